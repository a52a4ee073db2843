/**
 * Input files of `animate`, `interpolate`, `extrapolate` and `variations --image`, read into the tensors
 * the cascade takes: an image as float32 `[1 3 h w]`, a video as `[1 3 f h w]`, both in [-1, 1] and at the
 * resolution the decoder works at.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AbortError, type Tensor } from '@mav/tensor';
import { CorruptInputError, framesToModelInput, UnsupportedFormatError } from '@mav/video-io';
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

/** An input file a command names on its command line. */
export interface InputFile {
  /** As typed, relative to the working folder or absolute. */
  readonly path: string;
  readonly what: 'image' | 'video';
}

/**
 * Resolves an input file and checks, before any work starts, that it is a readable regular file (exit 5
 * when missing, a folder, or unreadable). Returns its absolute path.
 */
export function checkInputFile(cwd: string, input: InputFile): string {
  const { path, what } = input;
  const absolute = resolve(cwd, path);
  const info = statSync(absolute, { throwIfNoEntry: false });
  if (info === undefined) throw new CliError(exitCodes.input, `${what} not found: ${path}`);
  if (info.isDirectory()) {
    throw new CliError(exitCodes.input, `${what} '${path}' is a folder; give the ${what} file itself.`);
  }
  if (!info.isFile()) throw new CliError(exitCodes.input, `${what} '${path}' is not a regular file.`);
  try {
    accessSync(absolute, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(exitCodes.input, `${what} '${path}' cannot be read (${code}).`);
  }
  return absolute;
}

/** Decoding failures of an input file are input errors (exit 5), whatever the decoder called them. */
async function decoding<T>(input: InputFile, decode: () => Promise<T>): Promise<T> {
  try {
    return await decode();
  } catch (error) {
    if (AbortError.isInstance(error)) throw error;
    const decoderError =
      UnsupportedFormatError.isInstance(error) ||
      CorruptInputError.isInstance(error) ||
      /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException | null)?.code)); // EISDIR, EACCES, ...
    if (!decoderError) throw error;
    throw new CliError(
      exitCodes.input,
      `cannot read the ${input.what} '${input.path}': ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Reads an image file (PNG, JPEG, ...) as float32 `[1 3 h w]` in [-1, 1]. */
export async function readImageTensor(options: {
  readonly cwd: string;
  readonly path: string;
  readonly size: OutputSize;
}): Promise<Tensor<'float32'>> {
  const input: InputFile = { path: options.path, what: 'image' };
  const path = checkInputFile(options.cwd, input);
  const frames = await decoding(input, () =>
    readImage({ path, width: options.size.width, height: options.size.height }),
  );
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
  const input: InputFile = { path: options.path, what: 'video' };
  const path = checkInputFile(options.cwd, input);
  const frames = await decoding(input, () =>
    readVideo({
      path,
      width: options.size.width,
      height: options.size.height,
      ...(options.maxFrames === undefined ? {} : { maxFrames: options.maxFrames }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }),
  );
  return { video: framesToModelInput(frames), fps: frames.fps };
}
