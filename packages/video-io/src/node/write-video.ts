/**
 * `writeVideo`: one call that writes a clip to a file in any supported format, atomically.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { throwIfAborted } from '@mav/tensor';
import { encodeFrames } from '../encode-frames.js';
import type { EncodeGifOptions } from '../encode-gif.js';
import { encodePngSequence, pngSequenceFileName } from '../encode-png.js';
import type { EncodeY4mOptions } from '../encode-y4m.js';
import { EncoderMissingError } from '../errors.js';
import { checkWritable } from '../frame-padding.js';
import { resolveVideoFormat, type VideoFormat } from '../video-format.js';
import { VideoFrames } from '../video-frames.js';
import { writeAtomically } from './atomic-write.js';
import { encodeWithFfmpeg, type VideoQuality } from './ffmpeg-encode.js';
import type { FfmpegLocation } from './ffmpeg-path.js';
import { encodeMp4WithWasm } from './wasm-h264-encode.js';

/** Which encoder produced a file. */
export type EncoderName = 'ffmpeg' | 'h264-mp4-encoder' | 'gifenc' | 'upng-js' | 'fast-png' | 'y4m';

/** Options of `writeVideo`. */
export interface WriteVideoOptions
  extends FfmpegLocation,
    Pick<EncodeGifOptions, 'paletteSampleFrames' | 'repeat'>,
    Pick<EncodeY4mOptions, 'chroma'> {
  readonly frames: VideoFrames;
  /**
   * Target file (or directory, for a PNG sequence). Parent directories are created. An existing directory
   * at `path` is never replaced or emptied, and a PNG sequence always goes to a new directory: both throw
   * `OutputExistsError` before anything is encoded.
   */
  readonly path: string;
  /**
   * Replace an existing file at `path` (default `true`); with `false` an existing file throws
   * `OutputExistsError`, checked before encoding and again, atomically, when the file is moved into place.
   */
  readonly overwrite?: boolean;
  /** Format; default from the extension of `path` (see `resolveVideoFormat`). */
  readonly format?: VideoFormat;
  /**
   * MP4 encoder: `'auto'` (default) uses ffmpeg and falls back to the wasm h264-mp4-encoder when ffmpeg
   * cannot be spawned; `'ffmpeg'` or `'wasm'` force one.
   */
  readonly encoder?: 'auto' | 'ffmpeg' | 'wasm';
  /** MP4/WebM quality, default `'high'`. */
  readonly quality?: VideoQuality;
  /** Pixels handed to ffmpeg: `'i420'` (default, converted by `rgbToI420`) or `'rgb24'` (ffmpeg converts). */
  readonly input?: 'i420' | 'rgb24';
  readonly signal?: AbortSignal;
  /** Fraction of frames encoded, in (0, 1]. */
  readonly onProgress?: (fraction: number) => void;
}

/** What `writeVideo` wrote. */
export interface WriteVideoResult {
  readonly path: string;
  readonly format: VideoFormat;
  readonly encoder: EncoderName;
  /** Size written (odd sizes are padded to even for MP4/WebM). */
  readonly width: number;
  readonly height: number;
  readonly numFrames: number;
}

/**
 * Writes `frames` to `path`. The file appears only when complete: it is written to a hidden temporary
 * sibling and renamed; an error or abort removes the temporary file and leaves any previous file alone.
 * A PNG sequence is a new directory of `frame-00000.png`, ... plus `frames.json` (`{ fps, numFrames, width,
 * height, pattern }`), since PNG files carry no frame rate. Nothing this call did not create is removed.
 */
export async function writeVideo(options: WriteVideoOptions): Promise<WriteVideoResult> {
  const { frames, signal, onProgress, encoder = 'auto', overwrite = true } = options;
  if (!(frames instanceof VideoFrames)) throw new TypeError('frames must be a VideoFrames.');
  if (typeof options.path !== 'string' || options.path === '')
    throw new TypeError('path must be a non-empty string.');
  const format = resolveVideoFormat({ format: options.format, path: options.path });
  const target = path.resolve(options.path);
  checkWritable(frames, format.toUpperCase(), format === 'mp4' || format === 'webm' ? 2 : 1);
  throwIfAborted(signal, 'writeVideo');
  await mkdir(path.dirname(target), { recursive: true });
  const even = { width: frames.width + (frames.width % 2), height: frames.height + (frames.height % 2) };
  const written = (
    name: EncoderName,
    size = { width: frames.width, height: frames.height },
  ): WriteVideoResult => ({
    path: target,
    format,
    encoder: name,
    ...size,
    numFrames: frames.numFrames,
  });

  const atomically = { overwrite, directory: format === 'png' };
  return writeAtomically(
    target,
    async (temporaryPath) => {
      switch (format) {
        case 'mp4':
        case 'webm': {
          if (format === 'mp4' && encoder === 'wasm') {
            await writeFile(temporaryPath, await encodeMp4WithWasm({ ...options, frames }));
            return written('h264-mp4-encoder', even);
          }
          try {
            await encodeWithFfmpeg({ ...options, frames, format, outputPath: temporaryPath });
            return written('ffmpeg', even);
          } catch (error) {
            if (!(format === 'mp4' && encoder === 'auto' && EncoderMissingError.isInstance(error)))
              throw error;
            await writeFile(temporaryPath, await encodeMp4WithWasm({ ...options, frames }));
            return written('h264-mp4-encoder', even);
          }
        }
        case 'png': {
          const files = await encodePngSequence(frames, { signal, onProgress });
          await mkdir(temporaryPath);
          for (const [index, bytes] of files.entries()) {
            throwIfAborted(signal, 'writeVideo');
            await writeFile(path.join(temporaryPath, pngSequenceFileName(index)), bytes);
          }
          const manifest = {
            fps: frames.fps,
            numFrames: frames.numFrames,
            width: frames.width,
            height: frames.height,
            pattern: 'frame-%05d.png',
          };
          await writeFile(path.join(temporaryPath, 'frames.json'), `${JSON.stringify(manifest, null, 2)}\n`);
          return written('fast-png');
        }
        default: {
          const bytes = await encodeFrames({ ...options, frames, format });
          throwIfAborted(signal, 'writeVideo');
          await writeFile(temporaryPath, bytes);
          return written(format === 'gif' ? 'gifenc' : format === 'apng' ? 'upng-js' : 'y4m');
        }
      }
    },
    atomically,
  );
}
