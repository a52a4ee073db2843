/**
 * The CLI's pre-flight memory estimate of a whole job: the cascade's own (`describe().estimatedPeakBytes`,
 * every buffer of every stage it runs) or the writing of the video at the asked size, whichever is larger,
 * plus the process itself. A job whose estimate exceeds the cascade's memory limit is refused before any
 * work, with exit 7.
 *
 *     write   = 4 × 3 × F × h × w      (the last stage's float32 output)
 *             + 3 × F × h × w          (its RGB frames)
 *             + 2 × 3 × F × H × W      (the frames at --size H×W, and the encoder's copy of them)
 *     process = 400 MiB                (Node with tsx, onnxruntime and the encoders loaded)
 *
 * Measured (test/memory-estimate.test.ts): peak RSS stays at or below the estimate and above half of it.
 */
import { InsufficientMemoryError } from '@mav/cascade';
import { MavError } from '@mav/tensor';
import type { CascadeLike } from './cascade-types.js';
import type { OutputSize } from './parse-options.js';

/** Resident memory of the CLI process before a run (measured ≈ 380 MB), in bytes. */
export const processBaselineBytes = 400 * 1024 * 1024;

/** The parts of a job the estimate reads. */
export interface JobShape {
  /** Key frames the decoder makes (`--frames`); the model's when undefined. */
  readonly numFrames?: number | undefined;
  /** The last stage to run (from `--size`). */
  readonly stopAfter?: string | undefined;
  /** `--size`; the last stage's size when undefined. */
  readonly size?: OutputSize | undefined;
}

/** The estimate of one job, with the part that dominates it. */
export interface JobMemoryEstimate {
  readonly peakBytes: number;
  /** The stage with the largest estimate, or `video output` when writing the video is larger. */
  readonly stage: string;
  /** Frames and size of the video written. */
  readonly frames: number;
  readonly width: number;
  readonly height: number;
}

/** Estimates a text-to-video job on `cascade` (the other video modes make the same video). */
export function estimateJobMemory(cascade: CascadeLike, job: JobShape): JobMemoryEstimate {
  const description = cascade.describe({
    ...(job.numFrames === undefined ? {} : { numFrames: job.numFrames }),
    ...(job.stopAfter === undefined ? {} : { stopAfter: job.stopAfter as never }),
  });
  const video = description.stages.filter((stage) => stage.frames > 0 && stage.resolution > 0);
  const last = video[video.length - 1];
  const frames = last?.frames ?? 0;
  const side = last?.resolution ?? 0;
  const width = job.size?.width ?? side;
  const height = job.size?.height ?? side;
  const modelPixels = frames * side * side;
  const write =
    4 * 3 * modelPixels +
    3 * modelPixels +
    (width === side && height === side ? 0 : 2 * 3 * frames * width * height);
  const worst = description.stages.reduce(
    (a, b) => (b.estimatedBytes > a.estimatedBytes ? b : a),
    description.stages[0]!,
  );
  const cascadePeak = description.estimatedPeakBytes;
  return {
    peakBytes: processBaselineBytes + Math.max(cascadePeak, write),
    stage: write > cascadePeak ? 'video output' : worst.name,
    frames,
    width,
    height,
  };
}

/** Throws `InsufficientMemoryError` (exit 7) when the job's estimate exceeds the cascade's memory limit. */
export function checkJobMemory(cascade: CascadeLike, job: JobShape): void {
  const limit = cascade.memoryLimitBytes;
  if (limit === undefined) return;
  let estimate: JobMemoryEstimate;
  try {
    estimate = estimateJobMemory(cascade, job);
  } catch (error) {
    // Options no text-to-video run takes (extrapolate's --frames counts the frames read): the mode checks
    // them itself, with its own message, and the cascade its own memory.
    if (error instanceof RangeError || MavError.isInstance(error)) return;
    throw error;
  }
  if (estimate.peakBytes > limit)
    throw new InsufficientMemoryError({
      estimatedBytes: estimate.peakBytes,
      limitBytes: limit,
      stage: estimate.stage,
    });
}
