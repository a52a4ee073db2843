/**
 * Reading a stage's resolution, in whichever shape the cascade reports it, and picking the stage at which
 * `--size` is reached.
 */
import type { StageDescription } from './cascade-types.js';
import type { OutputSize } from './parse-options.js';

/** Width and height of a stage's output, or undefined when it reports none. */
export function stageSize(resolution: unknown): OutputSize | undefined {
  if (typeof resolution === 'number')
    return resolution > 0 ? { width: resolution, height: resolution } : undefined;
  if (Array.isArray(resolution) && resolution.length === 2) {
    const [height, width] = resolution as number[];
    if (typeof height === 'number' && typeof width === 'number') return { width, height };
  }
  if (typeof resolution === 'object' && resolution !== null) {
    const { width, height } = resolution as { width?: unknown; height?: unknown };
    if (typeof width === 'number' && typeof height === 'number') return { width, height };
  }
  return undefined;
}

/** `64x64` */
export function formatSize(size: OutputSize | undefined): string {
  return size === undefined ? '-' : `${size.width}x${size.height}`;
}

/** Stages whose output is a video (the others make embeddings). */
const videoStages = new Set(['decoder', 'interpolation', 'superResolutionLow', 'superResolutionHigh']);

/**
 * The last stage to run for an output of `size`: the first video stage, in cascade order, whose
 * resolution covers it (later stages only enlarge). Undefined when no stage reaches it (run them all and
 * enlarge at the end) or none reports a resolution.
 */
export function stopAfterForSize(stages: readonly StageDescription[], size: OutputSize): string | undefined {
  const video = stages.filter((stage) => videoStages.has(stage.name));
  let lastReached: string | undefined;
  for (const [index, stage] of video.entries()) {
    const reached = stageSize(stage.resolution);
    if (reached === undefined) continue;
    if (reached.width >= size.width && reached.height >= size.height) {
      // Interpolation keeps the size of the stage before it: stop after it, not before, so frames are
      // interpolated either way.
      const next = video[index + 1];
      lastReached = stage.name;
      if (next?.name === 'interpolation') lastReached = 'interpolation';
      return lastReached;
    }
  }
  return undefined;
}
