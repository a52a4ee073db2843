import { type ModelManifest, type StageName, stageNames } from '@mav/cascade';
import type { FpsProbeItem, PromptItem, PromptSet } from '../prompt-set.js';
import type { ClipRequest } from '../reference-clips.js';

/** A stage whose output is scored: the text-to-image frame ('imageDecoder') and the video stages. */
export type ScoredStage = Exclude<StageName, 'textEncoder' | 'imageEncoder' | 'prior'>;

/** The scored stages in cascade order: the manifest's stage names from the image decoder on. */
export const scoredStages = stageNames.slice(stageNames.indexOf('imageDecoder')) as readonly ScoredStage[];

/** Where the scored videos come from. */
export type QualitySource = 'cascade' | 'real';

/** A stage's output shape in a run: frames, side, and its fps relative to the keyframes' (× frame skip after ↑F). */
export interface StageLayout {
  stage: ScoredStage;
  frames: number;
  resolution: number;
  fpsFactor: number;
  /** Which reference clips it is compared with: keyframe-like or interpolated-like. */
  referenceLayout: 'keyframes' | 'interpolated';
}

/** One thing to generate: a video of a prompt item, its text-to-image frame, or an fps-probe keyframe run. */
export interface GenerationJob {
  key: string;
  kind: 'video' | 'image' | 'probe';
  itemId: string;
  prompt: string;
  seed: number;
  fps: number;
}

/** The model a run measures, as the report names it. */
export interface ModelSummary {
  name: string;
  /** SHA-256 of the manifest text (it lists every weight file's SHA-256). */
  id: string;
  stages: StageName[];
  missing: StageName[];
}

/** Everything a run will do, worked out once (the run, the progress totals and the report read it). */
export interface QualityPlan {
  source: QualitySource;
  promptSet: PromptSet;
  model: ModelSummary | undefined;
  keyframes: number;
  frameSkip: number;
  layouts: StageLayout[];
  /** Sampling steps per stage passed to the cascade (the prompt set's, or the caller's). */
  steps: Partial<Record<StageName, number>>;
  jobs: GenerationJob[];
  /** Real clips: the two reference sets (variants 1 and 2) at the judges' size, for every item and layout. */
  references: ClipRequest[];
  /** Real stand-ins (variant 0): every stage of every item for the real source, and the fps probe clips. */
  standIns: ClipRequest[];
  /** Side of the frames the judges and the reference sets work at. */
  judgeSize: number;
}

/** The default model's stage shapes: what real clips are rendered at (16 keyframes of 32², ×5, 64², 128²). */
export const defaultRealShapes = {
  keyframes: 16,
  frameSkip: 5,
  decoder: 32,
  superResolutionLow: 64,
  superResolutionHigh: 128,
} as const;

/** Options of `planQualityRun`. */
export interface PlanOptions {
  source: QualitySource;
  promptSet: PromptSet;
  /** The model measured (source 'cascade'), or the one whose CLIP scores real clips (optional there). */
  manifest?: ModelManifest;
  modelId?: string;
  steps?: Partial<Record<StageName, number>>;
  judgeSize: number;
  /** The real source's shapes (default `defaultRealShapes`). */
  realShapes?: typeof defaultRealShapes;
}

/** Works out the stages, jobs and reference clips of a run. */
export function planQualityRun(options: PlanOptions): QualityPlan {
  const { promptSet, manifest } = options;
  const model: ModelSummary | undefined = manifest
    ? {
        name: manifest.name,
        id: options.modelId ?? '',
        stages: (Object.keys(manifest.stages) as StageName[]).filter(
          (stage) => manifest.stages[stage] !== undefined,
        ),
        missing: [...(manifest.missing ?? [])],
      }
    : undefined;
  let keyframes: number;
  let frameSkip: number;
  const layouts: StageLayout[] = [];
  if (options.source === 'real') {
    const shapes = options.realShapes ?? defaultRealShapes;
    keyframes = shapes.keyframes;
    frameSkip = shapes.frameSkip;
    const interpolated = (keyframes - 1) * frameSkip + 1;
    layouts.push(
      {
        stage: 'imageDecoder',
        frames: 1,
        resolution: shapes.decoder,
        fpsFactor: 1,
        referenceLayout: 'keyframes',
      },
      {
        stage: 'decoder',
        frames: keyframes,
        resolution: shapes.decoder,
        fpsFactor: 1,
        referenceLayout: 'keyframes',
      },
      layout('interpolation', interpolated, shapes.decoder, frameSkip),
      layout('superResolutionLow', interpolated, shapes.superResolutionLow, frameSkip),
      layout('superResolutionHigh', interpolated, shapes.superResolutionHigh, frameSkip),
    );
  } else {
    const stages = manifest!.stages;
    const canVideo = stages.prior !== undefined && stages.decoder !== undefined;
    keyframes = stages.decoder?.numFrames ?? defaultRealShapes.keyframes;
    frameSkip = canVideo && stages.interpolation ? stages.interpolation.frameSkip : 1;
    if (stages.prior && stages.imageDecoder)
      layouts.push({
        stage: 'imageDecoder',
        frames: 1,
        resolution: stages.imageDecoder.resolution,
        fpsFactor: 1,
        referenceLayout: 'keyframes',
      });
    if (canVideo) {
      const decoder = stages.decoder!;
      layouts.push({
        stage: 'decoder',
        frames: keyframes,
        resolution: decoder.resolution,
        fpsFactor: 1,
        referenceLayout: 'keyframes',
      });
      const frames = (keyframes - 1) * frameSkip + 1;
      const referenceLayout = frameSkip > 1 ? 'interpolated' : 'keyframes';
      if (stages.interpolation) layouts.push(layout('interpolation', frames, decoder.resolution, frameSkip));
      for (const stage of ['superResolutionLow', 'superResolutionHigh'] as const) {
        const entry = stages[stage];
        if (entry)
          layouts.push({
            stage,
            frames,
            resolution: entry.resolution,
            fpsFactor: frameSkip,
            referenceLayout,
          });
      }
    }
  }
  const hasImage = layouts.some((entry) => entry.stage === 'imageDecoder');
  const hasVideo = layouts.some((entry) => entry.stage === 'decoder');
  const jobs: GenerationJob[] = [];
  for (const item of promptSet.items) {
    if (hasVideo) jobs.push(job('video', item.id, item, item.fps));
    if (hasImage) jobs.push(job('image', `${item.id}-image`, item, item.fps));
  }
  if (hasVideo)
    for (const probe of promptSet.fpsProbe.items)
      for (const fps of promptSet.fpsProbe.fps) jobs.push(job('probe', `${probe.id}-${fps}`, probe, fps));
  const byId = new Map(promptSet.items.map((item) => [item.id, item]));
  const interpolatedFrames = (keyframes - 1) * frameSkip + 1;
  const references: ClipRequest[] = [];
  for (const item of promptSet.items)
    for (const variant of [1, 2]) {
      references.push(
        clip(`${item.id}/ref${variant}/keyframes`, item, variant, item.fps, keyframes, options.judgeSize),
      );
      if (frameSkip > 1)
        references.push(
          clip(
            `${item.id}/ref${variant}/interpolated`,
            item,
            variant,
            item.fps * frameSkip,
            interpolatedFrames,
            options.judgeSize,
          ),
        );
    }
  const standIns: ClipRequest[] = [];
  if (options.source === 'real') {
    for (const item of promptSet.items)
      for (const entry of layouts)
        standIns.push(
          clip(
            `${item.id}/${entry.stage}`,
            item,
            0,
            item.fps * entry.fpsFactor,
            entry.frames,
            entry.resolution,
          ),
        );
  }
  if (hasVideo)
    for (const probe of promptSet.fpsProbe.items)
      for (const fps of promptSet.fpsProbe.fps)
        standIns.push(
          clip(`${probe.id}-${fps}/probe`, byId.get(probe.of)!, 0, fps, keyframes, options.judgeSize),
        );
  return {
    source: options.source,
    promptSet,
    model,
    keyframes,
    frameSkip,
    layouts,
    steps: { ...promptSet.steps, ...options.steps },
    jobs,
    references,
    standIns,
    judgeSize: options.judgeSize,
  };
}

function layout(stage: ScoredStage, frames: number, resolution: number, frameSkip: number): StageLayout {
  return { stage, frames, resolution, fpsFactor: frameSkip, referenceLayout: 'interpolated' };
}

function job(
  kind: GenerationJob['kind'],
  key: string,
  item: PromptItem | FpsProbeItem,
  fps: number,
): GenerationJob {
  const itemId = 'of' in item ? item.of : item.id;
  return { key, kind, itemId, prompt: item.prompt, seed: item.seed, fps };
}

function clip(
  key: string,
  item: PromptItem,
  variant: number,
  fps: number,
  numFrames: number,
  resolution: number,
): ClipRequest {
  return {
    key,
    shape: item.shape,
    colour: item.colour,
    size: item.size,
    background: item.background,
    seed: item.seed,
    variant,
    fps,
    numFrames,
    resolution,
  };
}
