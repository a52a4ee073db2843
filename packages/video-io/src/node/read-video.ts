/**
 * `readVideo` in Node: a short video file to frames through ffprobe (size, rate, frame count) and ffmpeg
 * (decoded to rgb24 on stdout, using the colour tags of the file), then resized with our own filter.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { throwIfAborted } from '@mav/tensor';
import { CorruptInputError } from '../errors.js';
import { type ResizeFit, resizeFrames } from '../resize.js';
import { checkFps, VideoFrames } from '../video-frames.js';
import { type FfmpegLocation, resolveFfmpegPath, resolveFfprobePath } from './ffmpeg-path.js';
import { runProcess } from './run-process.js';

/** Options of `readVideo`: exactly one of `path` and `data`. */
export interface ReadVideoOptions extends FfmpegLocation {
  /** Video file to read (anything ffmpeg reads: MP4, WebM, MOV, GIF, APNG, Y4M, ...). */
  readonly path?: string;
  /** Encoded video bytes (written to a temporary file for ffmpeg). */
  readonly data?: Uint8Array;
  /** Output width; give with `height` to resize. */
  readonly width?: number;
  /** Output height; give with `width`. */
  readonly height?: number;
  /** How to fit a different aspect ratio (default `'cover'`). */
  readonly fit?: ResizeFit;
  /** Read at most this many frames (default: all). */
  readonly maxFrames?: number;
  /** Resample to this frame rate (ffmpeg's `fps` filter: drops or repeats frames). Default: the file's rate. */
  readonly fps?: number;
  readonly signal?: AbortSignal;
}

/** What ffprobe says about the first video stream. */
export interface VideoProbe {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** From the container when it records one, else undefined. */
  readonly numFrames: number | undefined;
}

function parseRate(rate: string | undefined): number | undefined {
  if (rate === undefined) return undefined;
  const [numerator, denominator = '1'] = rate.split('/');
  const value = Number(numerator) / Number(denominator);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Probes the first video stream of `file` with ffprobe; `CorruptInputError` when there is none. */
export async function probeVideo(
  file: string,
  options: FfmpegLocation & { signal?: AbortSignal } = {},
): Promise<VideoProbe> {
  const result = await runProcess({
    executable: resolveFfprobePath(options),
    program: 'ffprobe',
    args: [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,r_frame_rate,avg_frame_rate,nb_frames',
      '-of',
      'json',
      file,
    ],
    signal: options.signal,
  });
  const stream =
    result.exitCode === 0
      ? (JSON.parse(result.stdout.toString('utf8')).streams?.[0] as
          | Record<string, string | number>
          | undefined)
      : undefined;
  if (stream === undefined || typeof stream.width !== 'number' || typeof stream.height !== 'number') {
    throw new CorruptInputError(
      file,
      `Could not read a video stream from ${file}: ${result.stderr.trim() || 'no video stream'}`,
    );
  }
  const fps = parseRate(stream.avg_frame_rate as string) ?? parseRate(stream.r_frame_rate as string) ?? 25;
  const numFrames = Number(stream.nb_frames);
  return {
    width: stream.width,
    height: stream.height,
    fps,
    numFrames: Number.isInteger(numFrames) && numFrames > 0 ? numFrames : undefined,
  };
}

/**
 * Decodes a video into frames. A damaged or truncated file (ffmpeg errors, or fewer frames than the
 * container declares) gives `CorruptInputError`; a missing ffmpeg/ffprobe gives `EncoderMissingError`.
 */
export async function readVideo(options: ReadVideoOptions): Promise<VideoFrames> {
  const { signal, maxFrames } = options;
  if ((options.path === undefined) === (options.data === undefined)) {
    throw new TypeError('Give exactly one of path and data.');
  }
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 1)) {
    throw new RangeError(`maxFrames must be a positive integer, got ${maxFrames}.`);
  }
  if (options.fps !== undefined) checkFps(options.fps);
  if ((options.width === undefined) !== (options.height === undefined)) {
    throw new TypeError('Give both width and height to resize, or neither.');
  }
  throwIfAborted(signal, 'readVideo');
  if (options.data !== undefined) {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-'));
    try {
      const file = path.join(directory, 'input');
      await writeFile(file, options.data);
      return await readVideoFile(file, '<bytes>', options);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
  await stat(options.path!); // a missing file is an ENOENT, not a corrupt video
  return readVideoFile(options.path!, options.path!, options);
}

async function readVideoFile(file: string, source: string, options: ReadVideoOptions): Promise<VideoFrames> {
  const { signal, maxFrames } = options;
  const probe = await probeVideo(file, options);
  const filters = options.fps !== undefined ? ['-vf', `fps=${options.fps}`] : [];
  const limit = maxFrames !== undefined ? ['-frames:v', String(maxFrames)] : [];
  const result = await runProcess({
    executable: resolveFfmpegPath(options),
    program: 'ffmpeg',
    args: [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      ...filters,
      ...limit,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    signal,
  });
  const frameBytes = probe.width * probe.height * 3;
  const numFrames = Math.floor(result.stdout.length / frameBytes);
  const expected =
    options.fps === undefined && probe.numFrames !== undefined
      ? Math.min(probe.numFrames, maxFrames ?? Infinity)
      : undefined;
  if (result.exitCode !== 0 || numFrames === 0 || (expected !== undefined && numFrames < expected)) {
    throw new CorruptInputError(
      source,
      `Could not decode ${source}: got ${numFrames}${expected !== undefined ? ` of ${expected}` : ''} frames (ffmpeg exit code ${result.exitCode}). ${result.stderr.trim().split('\n').slice(0, 3).join(' ')}`,
    );
  }
  const frames = new VideoFrames({
    width: probe.width,
    height: probe.height,
    fps: options.fps ?? probe.fps,
    data: new Uint8Array(result.stdout.buffer, result.stdout.byteOffset, numFrames * frameBytes),
  });
  const { width, height } = options;
  return width !== undefined && height !== undefined
    ? resizeFrames(frames, { width, height, fit: options.fit })
    : frames;
}
