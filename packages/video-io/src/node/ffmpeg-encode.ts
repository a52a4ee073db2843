/**
 * MP4 (H.264, libx264) and WebM (VP9, libvpx-vp9) through a spawned system ffmpeg. Frames go to ffmpeg's
 * stdin as raw I420 made by our `rgbToI420` (BT.601 limited range, tagged as such in the file), so every
 * encoder path of this package starts from the same planes. Odd sizes are padded to even first
 * (`padFramesToEven`). Pass `input: 'rgb24'` to hand ffmpeg RGB and let its swscale convert instead.
 */
import { throwIfAborted } from '@mav/tensor';
import { EncoderMissingError } from '../errors.js';
import { checkWritable, padFramesToEven } from '../frame-padding.js';
import { fpsToFraction } from '../frame-rate.js';
import type { VideoFrames } from '../video-frames.js';
import { i420FrameBytes, rgbToI420 } from '../yuv.js';
import { type FfmpegLocation, installHint, resolveFfmpegPath } from './ffmpeg-path.js';
import { runProcess } from './run-process.js';

/** Encoding quality: maps to CRF for ffmpeg, QP for the wasm encoder, mediabunny's Quality in browsers. */
export type VideoQuality = 'low' | 'medium' | 'high';

/** Options of `encodeWithFfmpeg`. */
export interface FfmpegEncodeOptions extends FfmpegLocation {
  readonly frames: VideoFrames;
  readonly format: 'mp4' | 'webm';
  /** Where ffmpeg writes (any extension: the container is given explicitly). */
  readonly outputPath: string;
  /** Default `'high'`. */
  readonly quality?: VideoQuality;
  /** Pixel format sent to ffmpeg: `'i420'` (default, converted by us) or `'rgb24'` (converted by ffmpeg). */
  readonly input?: 'i420' | 'rgb24';
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}

const crf: Readonly<Record<'mp4' | 'webm', Readonly<Record<VideoQuality, number>>>> = {
  mp4: { high: 18, medium: 23, low: 28 },
  webm: { high: 24, medium: 32, low: 40 },
};

const colourTags = [
  '-color_range',
  'tv',
  '-colorspace',
  'smpte170m',
  '-color_primaries',
  'smpte170m',
  '-color_trc',
  'smpte170m',
];

/** The ffmpeg arguments for a clip of `width × height` (even) frames. Exposed for tests and debugging. */
export function ffmpegEncodeArguments(options: {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly format: 'mp4' | 'webm';
  readonly quality: VideoQuality;
  readonly input: 'i420' | 'rgb24';
  readonly outputPath: string;
}): string[] {
  const { width, height, fps, format, quality, input, outputPath } = options;
  const { numerator, denominator } = fpsToFraction(fps, 2 ** 31 - 1);
  const codec =
    format === 'mp4'
      ? ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(crf.mp4[quality]), '-movflags', '+faststart']
      : [
          '-c:v',
          'libvpx-vp9',
          '-crf',
          String(crf.webm[quality]),
          '-b:v',
          '0',
          '-deadline',
          'good',
          '-cpu-used',
          '4',
          '-row-mt',
          '1',
          // Without these the WebM muxer writes bytes that differ from run to run (a random segment UID):
          // the same frames must give the same file.
          '-fflags',
          '+bitexact',
          '-flags:v',
          '+bitexact',
        ];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'rawvideo',
    '-pix_fmt',
    input === 'i420' ? 'yuv420p' : 'rgb24',
    '-s',
    `${width}x${height}`,
    '-framerate',
    `${numerator}/${denominator}`,
    '-i',
    'pipe:0',
    ...codec,
    '-pix_fmt',
    'yuv420p',
    ...colourTags,
    '-an',
    '-f',
    format,
    '-y',
    outputPath,
  ];
}

/** Encodes `frames` to `outputPath` with the system ffmpeg. Throws `EncoderMissingError` without ffmpeg. */
export async function encodeWithFfmpeg(options: FfmpegEncodeOptions): Promise<void> {
  const { format, outputPath, quality = 'high', input = 'i420', signal, onProgress } = options;
  checkWritable(options.frames, format.toUpperCase(), 2);
  throwIfAborted(signal, `${format.toUpperCase()} encoding`);
  const frames = padFramesToEven(options.frames);
  const executable = resolveFfmpegPath(options);
  const args = ffmpegEncodeArguments({
    width: frames.width,
    height: frames.height,
    fps: frames.fps,
    format,
    quality,
    input,
    outputPath,
  });
  const planes = new Uint8Array(i420FrameBytes(frames.width, frames.height));
  const result = await runProcess({
    executable,
    program: 'ffmpeg',
    args,
    signal,
    writeInput: async (write) => {
      for (let index = 0; index < frames.numFrames; index++) {
        const frame = frames.frame(index);
        // ffmpeg reads the chunk asynchronously: hand it a copy when reusing the buffer.
        await write(input === 'i420' ? rgbToI420(frame, planes).data.slice() : frame.data);
        onProgress?.((index + 1) / frames.numFrames);
      }
    },
  });
  if (result.exitCode !== 0) {
    if (/Unknown encoder|Encoder not found/i.test(result.stderr)) {
      throw new EncoderMissingError(
        'ffmpeg',
        `The ffmpeg at '${executable}' lacks the ${format === 'mp4' ? 'libx264' : 'libvpx-vp9'} encoder (${result.stderr.trim()}). ${installHint('ffmpeg')}`,
      );
    }
    throw new Error(
      `ffmpeg failed (exit code ${result.exitCode}) writing ${format}: ${result.stderr.trim()}`,
    );
  }
}
