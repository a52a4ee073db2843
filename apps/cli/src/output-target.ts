/**
 * Where a result goes and in which format: the format comes from the file extension (`.mp4`, `.webm`,
 * `.gif`, `.apng`/`.png`, `.y4m`, a path without extension for a PNG sequence directory); `--format`
 * overrides it for a path without a known extension and must agree with one that has one.
 */
import { extname, relative, resolve } from 'node:path';
import { resolveVideoFormat, UnsupportedFormatError, type VideoFormat, videoFormats } from '@mav/video-io';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';

/** A checked output: absolute path and format. */
export interface OutputTarget {
  readonly path: string;
  readonly format: VideoFormat;
}

/** `path` as the user would write it: relative to `cwd` when inside it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  if (shown === '') return '.';
  return shown.startsWith('..') ? path : shown;
}

/**
 * Resolves `-o` and `--format` against `cwd`; usage errors (exit 2) for an empty path and for unknown or
 * conflicting formats. Whether the path may be written is `checkOutputIsSafe`'s question.
 */
export function resolveOutputTarget(options: {
  readonly output: string;
  readonly format?: string;
  readonly cwd: string;
}): OutputTarget {
  if (options.output.trim() === '') {
    throw new CliError(exitCodes.usage, '-o/--output is empty; give a file name such as out.mp4.');
  }
  const path = resolve(options.cwd, options.output);
  let fromExtension: VideoFormat | undefined;
  try {
    fromExtension = extname(options.output) === '' ? undefined : resolveVideoFormat({ path: options.output });
  } catch (error) {
    if (!UnsupportedFormatError.isInstance(error)) throw error;
    if (options.format === undefined) {
      throw new CliError(
        exitCodes.usage,
        `cannot tell the format of '${options.output}' from its extension; use .mp4, .webm, .gif, .apng, .png or .y4m, or pass --format.`,
      );
    }
  }
  let format: VideoFormat;
  if (options.format !== undefined) {
    const wanted = options.format.toLowerCase();
    if (!(videoFormats as readonly string[]).includes(wanted)) {
      throw new CliError(
        exitCodes.usage,
        `unknown format '${options.format}'; formats: ${videoFormats.join(', ')}.`,
      );
    }
    format = wanted as VideoFormat;
    if (fromExtension !== undefined && fromExtension !== format) {
      throw new CliError(
        exitCodes.usage,
        `--format ${format} disagrees with the extension of '${options.output}' (${fromExtension}).`,
      );
    }
  } else {
    format = fromExtension ?? 'png';
  }
  return { path, format };
}

/** `out.mp4` -> `out-2.mp4` (for `variations`, one file per result, numbered from 1). */
export function numberedPath(target: OutputTarget, index: number): OutputTarget {
  const extension = extname(target.path);
  const stem = extension === '' ? target.path : target.path.slice(0, -extension.length);
  return { path: `${stem}-${index}${extension}`, format: target.format };
}
