/**
 * Typed errors of @mav/video-io. Each extends `MavError` from @mav/tensor and carries its own
 * `Symbol.for` marker, so `isInstance` works even when a bundle holds two copies of this package.
 */
import { MavError } from '@mav/tensor';

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

const unsupportedFormatMarker = Symbol.for('mav.error.UnsupportedFormatError');
/**
 * The requested container or codec is not one this package writes or reads (e.g. a `.avi` path), or this
 * environment cannot produce it (a browser without any WebCodecs encoder for the container). `format` is
 * the format that was asked for.
 */
export class UnsupportedFormatError extends MavError {
  readonly [unsupportedFormatMarker] = true;
  readonly format: string;
  constructor(format: string, message: string, options?: { cause?: unknown }) {
    super('unsupported-format', message, options);
    this.name = 'UnsupportedFormatError';
    this.format = format;
  }
  static override isInstance(error: unknown): error is UnsupportedFormatError {
    return hasMarker(error, unsupportedFormatMarker);
  }
}

const encoderMissingMarker = Symbol.for('mav.error.EncoderMissingError');
/**
 * An external encoder or decoder (ffmpeg, ffprobe) could not be started. The message says how to install
 * it or where to point this package at it (`ffmpegPath` option, `FFMPEG_PATH` / `FFPROBE_PATH`).
 */
export class EncoderMissingError extends MavError {
  readonly [encoderMissingMarker] = true;
  /** The program that was looked for, e.g. `ffmpeg`. */
  readonly program: string;
  constructor(program: string, message: string, options?: { cause?: unknown }) {
    super('encoder-missing', message, options);
    this.name = 'EncoderMissingError';
    this.program = program;
  }
  static override isInstance(error: unknown): error is EncoderMissingError {
    return hasMarker(error, encoderMissingMarker);
  }
}

const corruptInputMarker = Symbol.for('mav.error.CorruptInputError');
/**
 * An input image or video could not be decoded: a damaged or truncated file, or bytes that are not the
 * format they claim to be. `source` names the file (or `'<bytes>'` / `'<blob>'` for in-memory input).
 */
export class CorruptInputError extends MavError {
  readonly [corruptInputMarker] = true;
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super('corrupt-input', message, options);
    this.name = 'CorruptInputError';
    this.source = source;
  }
  static override isInstance(error: unknown): error is CorruptInputError {
    return hasMarker(error, corruptInputMarker);
  }
}

const dimensionMarker = Symbol.for('mav.error.DimensionError');
/**
 * Frame dimensions or counts that a format cannot hold: fewer than 2×2 pixels for a yuv420 codec, zero
 * frames, or sizes beyond a container's limit. The message gives the limit and the actual value.
 */
export class DimensionError extends MavError {
  readonly [dimensionMarker] = true;
  constructor(message: string) {
    super('dimension', message);
    this.name = 'DimensionError';
  }
  static override isInstance(error: unknown): error is DimensionError {
    return hasMarker(error, dimensionMarker);
  }
}

const outputExistsMarker = Symbol.for('mav.error.OutputExistsError');
/**
 * Something is already at the path a writer was asked to create: a folder (never replaced or emptied, since
 * this package removes only what it made), a file when `overwrite: false`, or a file where a PNG sequence
 * folder should go. `path` is the target; `existing` says what was found there. Nothing was changed.
 */
export class OutputExistsError extends MavError {
  readonly [outputExistsMarker] = true;
  readonly path: string;
  readonly existing: 'file' | 'directory' | 'other';
  constructor(path: string, existing: 'file' | 'directory' | 'other', message: string) {
    super('output-exists', message);
    this.name = 'OutputExistsError';
    this.path = path;
    this.existing = existing;
  }
  static override isInstance(error: unknown): error is OutputExistsError {
    return hasMarker(error, outputExistsMarker);
  }
}
