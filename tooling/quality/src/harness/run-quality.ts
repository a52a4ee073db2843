import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import {
  type Cascade,
  type ModelFileSource,
  type ModelManifest,
  parseManifest,
  type StageName,
} from '@mav/cascade';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import { QualityError } from '../errors.js';
import type { VideoFrames } from '../frames/video-frames.js';
import { Judge } from '../judge/judge.js';
import { loadPromptSet, type PromptSet } from '../prompt-set.js';
import { renderReferences } from '../reference-clips.js';
import { type QualityReport, roundNumbers } from '../report/quality-report.js';
import { reportMarkdown } from '../report/report-markdown.js';
import { contactSheet } from '../report/report-sheet.js';
import { readAblation } from './ablation-logs.js';
import { cascadeClipEncoder } from './clip-encoder.js';
import { generateVideos, jobIdentity, type QualityProgress } from './generate-videos.js';
import {
  type GenerationJob,
  planQualityRun,
  type QualityPlan,
  type QualitySource,
  scoredStages,
} from './quality-plan.js';
import { restorationRequests, scoreRestoration } from './restoration.js';
import { scoreRun } from './score-run.js';
import { readStoredVideo, type StageVideos, storedVideoFile } from './video-store.js';

/** The committed judges (`judges/judge.json`, `judges/judge.safetensors`). */
export const defaultJudgeFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../judges');

/** A model to measure: a folder with `manifest.json`, or a manifest and its files (e.g. the random cascade). */
export type QualityModel = string | { manifest: ModelManifest | string; files: ModelFileSource };

/** Options of `runQuality`. */
export interface RunQualityOptions {
  /** The run's folder: `report.json`, `report.md`, `sheet.png`, and `videos/` (reused by a resumed run). */
  out: string;
  /** 'quick', 'full', a prompt set file, or a parsed set. */
  promptSet: PromptSet | string;
  /** 'cascade' (default): generate with `model`. 'real': score real clips of the world instead (the ceiling). */
  source?: QualitySource;
  /** The model measured; with source 'real', optional: its CLIP scores CLIPSIM. */
  model?: QualityModel;
  /** Sampling steps per stage, over the prompt set's. */
  steps?: Partial<Record<StageName, number>>;
  /** Folder of the judge files. Default: the committed ones. */
  judgeFolder?: string;
  /** onnxruntime threads. Default 2. */
  threads?: number;
  /** Where rendered real clips are kept by the hash of their requests. Default `<out>/references`. */
  referenceCache?: string;
  /** The Python interpreter of the world's renderer (default `MAV_PYTHON` or /usr/bin/python3). */
  python?: string;
  /** A folder from `python3 -m mav_train.judges ablation`: the temporal-initialisation ablation is reported. */
  ablation?: string;
  signal?: AbortSignal;
  onProgress?: (event: QualityProgress) => void;
}

/** What `runQuality` returns: the report and the files it wrote. */
export interface QualityRunResult {
  report: QualityReport;
  files: { json: string; markdown: string; sheet: string };
}

/**
 * The quality harness in one call: 1. read the prompt set and the judges, 2. load the model, 3. plan the run,
 * 4. render the real clips (Python world), 5. generate every video through @mav/cascade (finished ones are
 * reused), 6. score them, and restore real clips with ↑F and the SR stages against baselines, 7. write
 * `report.json`, `report.md` and `sheet.png`.
 */
export async function runQuality(options: RunQualityOptions): Promise<QualityRunResult> {
  const source = options.source ?? 'cascade';
  // 1. Prompt set and judges.
  const promptSet =
    typeof options.promptSet === 'string' ? await loadPromptSet(options.promptSet) : options.promptSet;
  const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: options.threads ?? 2 });
  const judge = await Judge.load({ folder: options.judgeFolder ?? defaultJudgeFolder, backend });
  let cascade: Cascade | undefined;
  try {
    // 2. The model.
    let modelId: string | undefined;
    if (options.model !== undefined) {
      const { manifestText, files } = await modelFiles(options.model);
      modelId = createHash('sha256').update(manifestText).digest('hex');
      cascade = await loadCascade({
        manifest: manifestText,
        files,
        backends: { default: backend },
        keepSessions: true,
      });
    } else if (source === 'cascade') {
      throw new TypeError('model is required to measure generated videos (source: cascade).');
    }
    // 3. The plan.
    const plan = planQualityRun({
      source,
      promptSet,
      ...(cascade ? { manifest: cascade.manifest, modelId: modelId! } : {}),
      ...(options.steps ? { steps: options.steps } : {}),
      judgeSize: judge.config.frameSize,
    });
    if (plan.layouts.length === 0) {
      throw new QualityError(
        'model-cannot-generate',
        `the model '${cascade?.manifest.name}' can generate nothing from text yet: it needs a prior and a decoder or an image decoder (stages: ${plan.model?.stages.join(', ')}; missing: ${plan.model?.missing.join(', ') || 'none listed'}).`,
      );
    }
    await mkdir(options.out, { recursive: true });
    // 4. Real clips.
    const restoration = restorationRequests(plan, cascade);
    const total = plan.references.length + plan.standIns.length + restoration.length;
    options.onProgress?.({ phase: 'references', done: 0, total });
    const rendered = await renderReferences({
      clips: [...plan.references, ...plan.standIns, ...restoration],
      cacheFolder: options.referenceCache ?? join(options.out, 'references'),
      ...(options.python ? { python: options.python } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.onProgress?.({ phase: 'references', done: total, total });
    // 5. Generation.
    let videos: (job: GenerationJob) => Promise<StageVideos>;
    if (source === 'cascade') {
      await generateVideos({
        plan,
        cascade: cascade!,
        folder: options.out,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      videos = async (job) =>
        (await readStoredVideo(storedVideoFile(options.out, job.key), jobIdentity(plan, job)))!;
    } else {
      videos = async (job) => realStandIns(plan, job, rendered.clips);
    }
    // 6. Scores (and the restoration of real clips by ↑F and the SR stages).
    const scores = await scoreRun({
      plan,
      judge,
      clip: cascade ? cascadeClipEncoder(cascade) : undefined,
      videos,
      references: rendered.clips,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const restored =
      source === 'cascade'
        ? await scoreRestoration({
            plan,
            cascade: cascade!,
            clips: rendered.clips,
            folder: options.out,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : null;
    // 7. Report files.
    options.onProgress?.({ phase: 'report', done: 0, total: 1 });
    const report = roundNumbers<QualityReport>({
      format: 'mav-quality-report',
      version: 1,
      source,
      promptSet: {
        name: promptSet.name,
        items: promptSet.items.length,
        heldOutItems: promptSet.items.filter((item) => item.heldOut).length,
        fpsProbeItems: plan.jobs.some((job) => job.kind === 'probe') ? promptSet.fpsProbe.items.length : 0,
      },
      model: plan.model ?? null,
      steps: source === 'cascade' ? plan.steps : {},
      judge: {
        parameters: judge.description.parameters ?? null,
        evaluation: judge.description.evaluation ?? null,
      },
      notScored: notScored(plan, cascade?.manifest),
      ...scores,
      restoration: restored,
      ablation: options.ablation ? await readAblation(options.ablation) : null,
    });
    const files = {
      json: join(options.out, 'report.json'),
      markdown: join(options.out, 'report.md'),
      sheet: join(options.out, 'sheet.png'),
    };
    await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(files.markdown, reportMarkdown(report));
    const rows = [];
    for (const item of promptSet.items) {
      const row: (VideoFrames | undefined)[] = [];
      for (const layout of plan.layouts) {
        const key = layout.stage === 'imageDecoder' ? `${item.id}-image` : item.id;
        row.push((await videos(plan.jobs.find((job) => job.key === key)!))[layout.stage]);
      }
      rows.push(row);
    }
    await writeFile(files.sheet, contactSheet({ rows }));
    options.onProgress?.({ phase: 'report', done: 1, total: 1 });
    return { report, files };
  } finally {
    await cascade?.dispose();
    await judge.dispose();
  }
}

async function modelFiles(model: QualityModel): Promise<{ manifestText: string; files: ModelFileSource }> {
  if (typeof model === 'string') {
    const file = join(model, 'manifest.json');
    const manifestText = await readFile(file, 'utf8').catch((cause: Error) => {
      throw new QualityError('model-cannot-generate', `cannot read ${file}: ${cause.message}`, {
        file,
        cause,
      });
    });
    return { manifestText, files: createDirectorySource(model) };
  }
  const manifestText =
    typeof model.manifest === 'string' ? model.manifest : JSON.stringify(parseManifest(model.manifest));
  return { manifestText, files: model.files };
}

function realStandIns(
  plan: QualityPlan,
  job: GenerationJob,
  clips: ReadonlyMap<string, VideoFrames>,
): StageVideos {
  const pick = (key: string) => {
    const clip = clips.get(key);
    if (!clip) throw new RangeError(`no rendered stand-in '${key}'.`);
    return clip;
  };
  if (job.kind === 'probe') return { decoder: pick(`${job.key}/probe`) };
  if (job.kind === 'image') return { imageDecoder: pick(`${job.itemId}/imageDecoder`) };
  const videos: StageVideos = {};
  for (const layout of plan.layouts)
    if (layout.stage !== 'imageDecoder') videos[layout.stage] = pick(`${job.itemId}/${layout.stage}`);
  return videos;
}

function notScored(plan: QualityPlan, manifest: ModelManifest | undefined): string[] {
  if (!manifest) return [];
  const scored = new Set<string>(plan.layouts.map((layout) => layout.stage));
  return scoredStages
    .filter((stage) => !scored.has(stage))
    .map((stage) => {
      if (manifest.missing?.includes(stage)) return `${stage} (not trained yet)`;
      if (manifest.stages[stage] === undefined) return `${stage} (not in the model)`;
      return `${stage} (needs ${stage === 'imageDecoder' ? 'a prior' : 'a prior and a decoder'})`;
    });
}
