/**
 * Input files of `animate`, `interpolate`, `extrapolate` and `variations --image`, read into the tensors
 * the cascade takes: an image as float32 `[1 3 h w]`, a video as `[1 3 f h w]`, both in [-1, 1] and at the
 * resolution the decoder works at.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Tensor } from '@mav/tensor';
import { framesToModelInput } from '@mav/video-io';
import { readImage, readVideo } from '@mav/video-io/node';
import type { CascadeLike } from './cascade-types.js';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';
import type { OutputSize } from './parse-options.js';
import { stageSize } from './resolution.js';

/** The decoder's resolution (inputs are resized to it), 64x64 when the cascade does not say. */
export function inputSize(cascade: CascadeLike): OutputSize {
  const decoder = cascade.describe().stages.find((stage) => stage.name === 'decoder');
  return stageSize(decoder?.resolution) ?? { width: 64, height: 64 };
}

function existingFile(cwd: string, path: string, what: string): string {
  const absolute = resolve(cwd, path);
  if (!existsSync(absolute)) throw new CliError(exitCodes.input, `${what} not found: ${path}`);
  return absolute;
}

/** Reads an image file (PNG, JPEG, ...) as float32 `[1 3 h w]` in [-1, 1]. */
export async function readImageTensor(options: {
  readonly cwd: string;
  readonly path: string;
  readonly size: OutputSize;
}): Promise<Tensor<'float32'>> {
  const path = existingFile(options.cwd, options.path, 'image');
  const frames = await readImage({ path, width: options.size.width, height: options.size.height });
  // [1 3 1 h w] -> [1 3 h w]
  return framesToModelInput(frames).reshape([1, 3, options.size.height, options.size.width]);
}

/** Reads a video file as float32 `[1 3 f h w]` in [-1, 1], at most `maxFrames` frames. */
export async function readVideoTensor(options: {
  readonly cwd: string;
  readonly path: string;
  readonly size: OutputSize;
  readonly maxFrames?: number;
  readonly signal?: AbortSignal;
}): Promise<{ video: Tensor<'float32'>; fps: number }> {
  const path = existingFile(options.cwd, options.path, 'video');
  const frames = await readVideo({
    path,
    width: options.size.width,
    height: options.size.height,
    ...(options.maxFrames === undefined ? {} : { maxFrames: options.maxFrames }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { video: framesToModelInput(frames), fps: frames.fps };
}
