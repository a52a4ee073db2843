import { guidanceRows } from '@mav/diffusion';
import type { GenerateOptions, TextToImageOptions, VideoStageName } from './cascade-options.js';
import type { ModelManifest, StageName } from './manifest/manifest-schema.js';
import { requireStage } from './stages/stage-context.js';
import { windowsTile } from './video-ops.js';

/** The stages whose output is a video, in cascade order: where a run may stop. */
export const videoStageNames: readonly VideoStageName[] = [
  'decoder',
  'interpolation',
  'superResolutionLow',
  'superResolutionHigh',
];

/** The first stages of each kind of run. */
export const runHeads = {
  textToVideo: ['textEncoder', 'prior', 'decoder'],
  textToImage: ['textEncoder', 'prior', 'imageDecoder'],
  fromImage: ['imageEncoder', 'textEncoder', 'interpolation'],
  imageVariations: ['imageEncoder', 'textEncoder', 'decoder'],
} as const satisfies Record<string, readonly StageName[]>;

/**
 * What a run will do, worked out once from the manifest and the options before anything runs: the stages in
 * order, the keyframe count and frame skip, each stage's steps and guidance scale (the option, else the
 * manifest's) and model rows per sample. The run, `describe()` and the memory estimate all read it.
 */
export interface RunPlan {
  stages: readonly StageName[];
  numFrames: number;
  frameSkip: number;
  /** Sampling steps per diffusion stage. */
  steps: Partial<Record<StageName, number>>;
  /** Guidance scale per diffusion stage (1: no guidance). */
  guidanceScales: Partial<Record<StageName, number>>;
  /** Per-frame SR rows per run. */
  superResolutionHighRows?: number | undefined;
  /** Output size of the last super-resolution stage, when overridden. */
  outputSize?: number | undefined;
}

/** Model rows of one call of `stage` for `batch` samples (2·batch with guidance: diffusion's rule). */
export function planRows(plan: RunPlan, stage: StageName, batch: number): number {
  return guidanceRows({ batch, guidanceScale: plan.guidanceScales[stage] ?? 1 });
}

/** Checks the options every mode shares and plans the run that starts with `head`. */
export function planRun(
  manifest: ModelManifest,
  options: GenerateOptions & Pick<TextToImageOptions, 'superResolution'>,
  head: readonly StageName[],
): RunPlan {
  checkGenerateOptions(manifest, options);
  // Every stage the run starts with must exist (a model in training may lack some).
  for (const stage of head) requireStage(manifest, stage);
  const { stages } = manifest;
  const stopAfter = options.stopAfter;
  if (stopAfter !== undefined && !videoStageNames.includes(stopAfter)) {
    throw new RangeError(`stopAfter must be one of ${videoStageNames.join(', ')}, got ${String(stopAfter)}.`);
  }
  if (stopAfter !== undefined && stages[stopAfter] === undefined) {
    throw new RangeError(`stopAfter: the model '${manifest.name}' has no ${stopAfter} stage.`);
  }
  const image = head.includes('imageDecoder');
  const stopIndex = stopAfter === undefined ? videoStageNames.length - 1 : videoStageNames.indexOf(stopAfter);
  // A text-to-image run continues only into the super-resolution stages, and only when asked.
  const following = image
    ? options.superResolution
      ? videoStageNames.slice(2)
      : []
    : videoStageNames.slice(1, stopIndex + 1);
  const all = [...head, ...following.filter((stage) => stages[stage] !== undefined)];
  const steps: Partial<Record<StageName, number>> = {};
  const guidanceScales: Partial<Record<StageName, number>> = {};
  for (const stage of all) {
    const entry = stages[stage] as { steps?: number; guidanceScale?: number } | undefined;
    const chosen = options.stages?.[stage];
    if (entry?.steps !== undefined) steps[stage] = chosen?.steps ?? entry.steps;
    guidanceScales[stage] = chosen?.guidanceScale ?? entry?.guidanceScale ?? 1;
  }
  const windowKeyframes = stages.interpolation?.windowKeyframes ?? 2;
  if (options.numFrames !== undefined && all.includes('interpolation') && windowKeyframes > 2) {
    // ↑F raises the frame rate in windows of windowKeyframes keyframes that share their ends: refuse a
    // count they do not tile before any stage runs (not after the keyframes are made).
    const step = windowKeyframes - 1;
    if (!windowsTile(options.numFrames, windowKeyframes)) {
      const below = Math.max(windowKeyframes, options.numFrames - ((options.numFrames - 1) % step));
      const above = below < options.numFrames ? below + step : below;
      throw new RangeError(
        `numFrames ${options.numFrames}: frame interpolation (↑F) works in windows of ${windowKeyframes} keyframes, so it needs k·${step} + 1 keyframes (${[...new Set([below, above])].join(' or ')}, for example).`,
      );
    }
  }
  return {
    stages: all,
    numFrames: image ? 1 : (options.numFrames ?? stages.decoder?.numFrames ?? 1),
    frameSkip: options.frameSkip ?? stages.interpolation?.frameSkip ?? 1,
    steps,
    guidanceScales,
    superResolutionHighRows: stages.superResolutionHigh?.frameBatch,
    outputSize: options.outputSize,
  };
}

function checkGenerateOptions(manifest: ModelManifest, options: GenerateOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object.');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative safe integer, got ${String(seed)}.`);
  for (const [field, value] of [
    ['numFrames', options.numFrames],
    ['frameSkip', options.frameSkip],
    ['outputSize', options.outputSize],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
      throw new RangeError(`${field} must be a positive integer, got ${String(value)}.`);
  }
  if (options.fps !== undefined) {
    const range = manifest.stages.decoder?.fps ?? { min: 0, max: Number.POSITIVE_INFINITY };
    if (!(options.fps > 0) || options.fps < range.min || options.fps > range.max)
      throw new RangeError(
        `fps must be a number in [${range.min}, ${range.max}] (the range the decoder was trained on), got ${String(options.fps)}.`,
      );
  }
}
