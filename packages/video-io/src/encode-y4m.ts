/**
 * YUV4MPEG2 (`.y4m`): a text header and raw planar YCbCr frames, the format video tools exchange
 * uncompressed video in. Lossless apart from the RGB → YCbCr conversion (BT.601 limited range, see
 * `yuv.ts`): with `chroma: '444'` the only loss is rounding (≤ 2 per RGB channel after decoding); the
 * default `'420'` also averages chroma over 2×2 blocks (`C420jpeg`, centre-sited), which is what video
 * encoders take as input. Odd sizes are written as they are (the chroma planes round up).
 */
import { throwIfAborted } from '@mav/tensor';
import { type EncodeOptions, yieldToEventLoop } from './encode-options.js';
import { checkWritable } from './frame-padding.js';
import { fpsToFraction } from './frame-rate.js';
import type { VideoFrames } from './video-frames.js';
import { i420FrameBytes, rgbToI420, rgbToYuv444 } from './yuv.js';

/** Options of `encodeY4m`. */
export interface EncodeY4mOptions extends EncodeOptions {
  /** Chroma subsampling: `'420'` (default, `C420jpeg`) or `'444'` (none). */
  readonly chroma?: '420' | '444';
}

/** The Y4M stream header for `frames` (ends with a newline). */
export function y4mHeader(frames: VideoFrames, chroma: '420' | '444' = '420'): string {
  const { numerator, denominator } = fpsToFraction(frames.fps, 2 ** 31 - 1);
  const colour = chroma === '444' ? 'C444' : 'C420jpeg';
  return `YUV4MPEG2 W${frames.width} H${frames.height} F${numerator}:${denominator} Ip A1:1 ${colour} XCOLORRANGE=LIMITED\n`;
}

/** Encodes frames as one Y4M byte stream. */
export async function encodeY4m(frames: VideoFrames, options: EncodeY4mOptions = {}): Promise<Uint8Array> {
  checkWritable(frames, 'Y4M');
  const { signal, onProgress, chroma = '420' } = options;
  if (chroma !== '420' && chroma !== '444') {
    throw new RangeError(`chroma must be '420' or '444', got ${String(chroma)}.`);
  }
  const encoder = new TextEncoder();
  const header = encoder.encode(y4mHeader(frames, chroma));
  const frameMarker = encoder.encode('FRAME\n');
  const planeBytes =
    chroma === '444' ? frames.width * frames.height * 3 : i420FrameBytes(frames.width, frames.height);
  const out = new Uint8Array(header.length + frames.numFrames * (frameMarker.length + planeBytes));
  out.set(header, 0);
  let offset = header.length;
  for (let index = 0; index < frames.numFrames; index++) {
    throwIfAborted(signal, 'Y4M encoding');
    out.set(frameMarker, offset);
    offset += frameMarker.length;
    const target = out.subarray(offset, offset + planeBytes);
    if (chroma === '444') rgbToYuv444(frames.frame(index), target);
    else rgbToI420(frames.frame(index), target);
    offset += planeBytes;
    onProgress?.((index + 1) / frames.numFrames);
    if (index % 16 === 15) await yieldToEventLoop();
  }
  return out;
}
