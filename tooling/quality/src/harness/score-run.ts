import { Tensor } from '@mav/tensor';
import { evenlySpacedFrames, framesAsBatch, resizeFrames, type VideoFrames } from '../frames/video-frames.js';
import type { Judge } from '../judge/judge.js';
import { judgeAttributes } from '../judge/judge-config.js';
import { clipSimilarity } from '../metrics/clip-similarity.js';
import { videoMotion } from '../metrics/motion.js';
import { locateObjects } from '../metrics/object-locator.js';
import type { PromptItem } from '../prompt-set.js';
import type { ClipEncoder } from './clip-encoder.js';
import type { QualityProgress } from './generate-videos.js';
import { type JudgedVideo, judgeVideo } from './judged-video.js';
import type { GenerationJob, QualityPlan, StageLayout } from './quality-plan.js';
import { type AttributeAccuracy, accuracy, type StageScores, scoreStage } from './stage-scores.js';
import type { StageVideos } from './video-store.js';

/** Frames per video that CLIPSIM embeds (evenly spaced). */
export const clipFramesPerVideo = 16;

/** Does fps conditioning change motion? Mean displacement per keyframe at the probe's two frame rates. */
export interface FpsConditioning {
  fps: [number, number];
  generated: { low: number; high: number; ratio: number };
  real: { low: number; high: number; ratio: number };
}

/** One item's result at one stage. */
export interface ItemStageScore {
  stage: StageLayout['stage'];
  accuracy: AttributeAccuracy;
  /** The label predicted on most frames, per attribute. */
  predicted: Record<(typeof judgeAttributes)[number], string>;
}

/** Everything scored in a run. */
export interface QualityScores {
  stages: StageScores[];
  fpsConditioning: FpsConditioning | null;
  items: { id: string; prompt: string; heldOut: boolean; fps: number; stages: ItemStageScore[] }[];
}

/** Options of `scoreRun`. */
export interface ScoreRunOptions {
  plan: QualityPlan;
  judge: Judge;
  clip?: ClipEncoder | undefined;
  /** A job's videos (stored generated ones, or the real stand-ins). */
  videos: (job: GenerationJob) => Promise<StageVideos>;
  /** The reference sets and the fps probe's real clips, by request key. */
  references: ReadonlyMap<string, VideoFrames>;
  onProgress?: (event: QualityProgress) => void;
}

/** Scores every stage of a run against the reference sets, and the fps probe. */
export async function scoreRun(options: ScoreRunOptions): Promise<QualityScores> {
  const { plan, judge } = options;
  const items = plan.promptSet.items;
  const jobsByKey = new Map(plan.jobs.map((job) => [job.key, job]));
  const referenceCache = new Map<string, { judged: JudgedVideo; clip: number | undefined }>();
  const total = plan.layouts.length * items.length;
  let done = 0;

  const judgeWithClip = async (video: VideoFrames, item: PromptItem) => {
    const judged = await judgeVideo(judge, video);
    let clip: number | undefined;
    if (options.clip) {
      const indices = evenlySpacedFrames(judged.frames, clipFramesPerVideo);
      const frames = selectRows(judged.judgeFrames, indices);
      clip = clipSimilarity(
        await options.clip.encodeText(item.prompt),
        await options.clip.encodeImages(frames),
      );
    }
    judged.judgeFrames = new Tensor({ dtype: 'float32', dims: [0] });
    return { judged, clip };
  };
  const reference = async (item: PromptItem, variant: 1 | 2, layout: StageLayout) => {
    const key = `${item.id}/ref${variant}/${layout.referenceLayout}`;
    let entry = referenceCache.get(key);
    if (!entry) {
      entry = await judgeWithClip(required(options.references, key), item);
      referenceCache.set(key, entry);
    }
    return entry;
  };

  const stages: StageScores[] = [];
  const itemStages = items.map(() => [] as ItemStageScore[]);
  for (const layout of plan.layouts) {
    const generated: JudgedVideo[] = [];
    const clipGenerated: number[] = [];
    const clipReal: number[] = [];
    const referenceA: JudgedVideo[] = [];
    const referenceB: JudgedVideo[] = [];
    for (const [index, item] of items.entries()) {
      const key = layout.stage === 'imageDecoder' ? `${item.id}-image` : item.id;
      const videos = await options.videos(jobsByKey.get(key)!);
      const video = videos[layout.stage];
      if (!video) throw new RangeError(`job '${key}' has no ${layout.stage} output.`);
      const own = await judgeWithClip(video, item);
      generated.push(own.judged);
      if (own.clip !== undefined) clipGenerated.push(own.clip);
      const first = await reference(item, 1, layout);
      referenceA.push(first.judged);
      if (first.clip !== undefined) clipReal.push(first.clip);
      referenceB.push((await reference(item, 2, layout)).judged);
      const truth = Object.fromEntries(
        judgeAttributes.map((attribute) => [
          attribute,
          judge.config.labels[attribute].indexOf(item[attribute]),
        ]),
      ) as Record<(typeof judgeAttributes)[number], number>;
      itemStages[index]!.push({
        stage: layout.stage,
        accuracy: accuracy([[own.judged, truth]]),
        predicted: Object.fromEntries(
          judgeAttributes.map((attribute) => [
            attribute,
            judge.config.labels[attribute][majority(own.judged.predicted[attribute])]!,
          ]),
        ) as ItemStageScore['predicted'],
      });
      options.onProgress?.({ phase: 'score', done: ++done, total, key });
    }
    stages.push(
      scoreStage({
        layout,
        items,
        generated,
        referenceA,
        referenceB,
        config: judge.config,
        ...(options.clip ? { clip: { generated: clipGenerated, real: clipReal } } : {}),
      }),
    );
  }
  return {
    stages,
    fpsConditioning: await fpsConditioning(options, jobsByKey),
    items: items.map((item, index) => ({
      id: item.id,
      prompt: item.prompt,
      heldOut: item.heldOut,
      fps: item.fps,
      stages: itemStages[index]!,
    })),
  };
}

async function fpsConditioning(
  options: ScoreRunOptions,
  jobsByKey: ReadonlyMap<string, GenerationJob>,
): Promise<FpsConditioning | null> {
  const { plan } = options;
  const probe = plan.promptSet.fpsProbe;
  if (!plan.layouts.some((layout) => layout.stage === 'decoder') || probe.items.length === 0) return null;
  const size = options.judge.config.frameSize;
  const displacement = (video: VideoFrames, fps: number) =>
    videoMotion(locateObjects(resizeFrames(framesAsBatch(video), size)), fps).displacementPerFrame;
  const [low, high] = probe.fps;
  const sums = { generated: [0, 0], real: [0, 0] };
  for (const item of probe.items)
    for (const [slot, fps] of [low, high].entries()) {
      const job = jobsByKey.get(`${item.id}-${fps}`)!;
      sums.generated[slot]! += displacement((await options.videos(job)).decoder!, fps) / probe.items.length;
      sums.real[slot]! +=
        displacement(required(options.references, `${item.id}-${fps}/probe`), fps) / probe.items.length;
    }
  const summary = ([a, b]: number[]) => ({ low: a!, high: b!, ratio: b! > 0 ? a! / b! : 0 });
  return { fps: [low, high], generated: summary(sums.generated), real: summary(sums.real) };
}

function required(map: ReadonlyMap<string, VideoFrames>, key: string): VideoFrames {
  const video = map.get(key);
  if (!video) throw new RangeError(`no rendered reference clip '${key}'.`);
  return video;
}

function majority(values: Int32Array): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = values[0] ?? 0;
  for (const [value, count] of counts)
    if (count > (counts.get(best) ?? 0) || (count === counts.get(best) && value < best)) best = value;
  return best;
}

function selectRows(batch: Tensor<'float32'>, indices: readonly number[]): Tensor<'float32'> {
  const rowSize = batch.size / batch.dims[0]!;
  const out = new Tensor({ dtype: 'float32', dims: [indices.length, ...batch.dims.slice(1)] });
  indices.forEach((row, index) => {
    out.data.set(batch.data.subarray(row * rowSize, (row + 1) * rowSize), index * rowSize);
  });
  return out;
}
