/**
 * Animated GIF through gifenc.
 *
 * GIF is lossy here in two ways, and callers should know both:
 * - colour: one global palette of at most 256 colours, computed (gifenc's PnnQuant quantizer in the fast
 *   `rgb444` mode) over pixels sampled from up to `paletteSampleFrames` evenly spaced frames, then every
 *   pixel is mapped to its nearest palette colour (no dithering). Flat graphics survive well; smooth
 *   gradients band (on our test clip ~24–30 dB PSNR, versus ≥ 40 dB for MP4).
 * - time: GIF delays are whole centiseconds. Delays are chosen so that the running time of frame i is
 *   `round(100 i / fps)` cs, so the clip's total duration is exact to 1 cs; fps that divide 100
 *   (10, 20, 25, 50) give identical delays on every frame, others (24, 30) alternate.
 */

import { throwIfAborted } from '@mav/tensor';
import type { GifPalette } from 'gifenc';
import * as gifencNamespace from 'gifenc';
import { type EncodeOptions, yieldToEventLoop } from './encode-options.js';
import { checkWritable } from './frame-padding.js';
import type { VideoFrames } from './video-frames.js';

// gifenc's "module" build has named exports, its CommonJS "main" (what Node's ESM loader gets) only a
// module.exports object without statically detectable names: take whichever this environment gave us.
type Gifenc = typeof gifencNamespace;
const gifenc: Gifenc =
  'quantize' in gifencNamespace
    ? gifencNamespace
    : (gifencNamespace as unknown as { default: Gifenc }).default;

/** Options of `encodeGif`. */
export interface EncodeGifOptions extends EncodeOptions {
  /** Frames to compute the shared palette from (evenly spaced, default 8). */
  readonly paletteSampleFrames?: number;
  /** Loop count: 0 loops forever (default), n repeats n more times, -1 plays once. */
  readonly repeat?: number;
}

/** The centisecond delay of each frame at `fps`, so that cumulative time stays within 1 cs of exact. */
export function gifFrameDelays(numFrames: number, fps: number): number[] {
  const delays: number[] = [];
  for (let index = 0; index < numFrames; index++) {
    delays.push(Math.max(1, Math.round((100 * (index + 1)) / fps) - Math.round((100 * index) / fps)));
  }
  return delays;
}

function rgbToRgba(rgb: Uint8Array, out: Uint8Array): Uint8Array {
  for (let source = 0, target = 0; source < rgb.length; source += 3, target += 4) {
    out[target] = rgb[source]!;
    out[target + 1] = rgb[source + 1]!;
    out[target + 2] = rgb[source + 2]!;
    out[target + 3] = 255;
  }
  return out;
}

function samplePalette(frames: VideoFrames, sampleFrames: number): GifPalette {
  const count = Math.max(1, Math.min(sampleFrames, frames.numFrames));
  const pixelsPerFrame = frames.width * frames.height;
  // Cap the quantizer input near 256k pixels: a sub-grid of pixels from each sampled frame.
  const stride = Math.max(1, Math.floor(Math.sqrt((pixelsPerFrame * count) / 262_144)));
  const columns = Math.ceil(frames.width / stride);
  const rows = Math.ceil(frames.height / stride);
  const sample = new Uint8Array(count * columns * rows * 4);
  let target = 0;
  for (let pick = 0; pick < count; pick++) {
    const index = count === 1 ? 0 : Math.round((pick * (frames.numFrames - 1)) / (count - 1));
    const { data } = frames.frame(index);
    for (let y = 0; y < frames.height; y += stride) {
      for (let x = 0; x < frames.width; x += stride) {
        const source = (y * frames.width + x) * 3;
        sample[target++] = data[source]!;
        sample[target++] = data[source + 1]!;
        sample[target++] = data[source + 2]!;
        sample[target++] = 255;
      }
    }
  }
  return gifenc.quantize(sample.subarray(0, target), 256, { format: 'rgb444' });
}

/** Encodes frames as an animated GIF (see the module comment for how lossy that is). */
export async function encodeGif(frames: VideoFrames, options: EncodeGifOptions = {}): Promise<Uint8Array> {
  checkWritable(frames, 'GIF');
  if (frames.width > 65535 || frames.height > 65535) {
    throw new RangeError(`GIF frames must be at most 65535x65535, got ${frames.width}x${frames.height}.`);
  }
  const { signal, onProgress, paletteSampleFrames = 8, repeat = 0 } = options;
  throwIfAborted(signal, 'GIF encoding');
  const palette = samplePalette(frames, paletteSampleFrames);
  const delays = gifFrameDelays(frames.numFrames, frames.fps);
  const gif = gifenc.GIFEncoder();
  const rgba = new Uint8Array(frames.width * frames.height * 4);
  for (let index = 0; index < frames.numFrames; index++) {
    throwIfAborted(signal, 'GIF encoding');
    const indexed = gifenc.applyPalette(rgbToRgba(frames.frame(index).data, rgba), palette, 'rgb444');
    gif.writeFrame(indexed, frames.width, frames.height, {
      // The palette is global (written with frame 0); passing it again would add a local table per frame.
      ...(index === 0 ? { palette, repeat } : {}),
      delay: delays[index]! * 10,
    });
    onProgress?.((index + 1) / frames.numFrames);
    if (index % 8 === 7) await yieldToEventLoop();
  }
  gif.finish();
  return gif.bytes();
}
