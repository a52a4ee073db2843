/**
 * Resizing of RGB images and clips to the size a model wants, done in our code so that Node and browser
 * readers give the same pixels. Shrinking averages areas (no aliasing), enlarging interpolates linearly;
 * both are applied separably (rows, then columns).
 */
import { type RgbImage, VideoFrames } from './video-frames.js';

/**
 * How the image fills the target box: `'fill'` stretches to exactly `width × height`; `'cover'` keeps the
 * aspect ratio, scales to cover the box and crops the centre (no distortion, edges lost).
 */
export type ResizeFit = 'fill' | 'cover';

/** Target size of a resize. */
export interface ResizeOptions {
  readonly width: number;
  readonly height: number;
  /** Default `'cover'`. */
  readonly fit?: ResizeFit;
}

interface Taps {
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  readonly weights: Float32Array;
  readonly maxTaps: number;
}

// Weights for resampling `sourceLength` samples, of which [cropStart, cropStart+cropLength) is used, to
// `targetLength`. Shrinking: area weights (each source pixel counts by how much of it the target pixel
// covers, like OpenCV's INTER_AREA). Enlarging: linear interpolation between the two nearest pixels.
function computeTaps(
  cropStart: number,
  cropLength: number,
  targetLength: number,
  sourceLength: number,
): Taps {
  const scale = cropLength / targetLength;
  const maxTaps = Math.ceil(scale) + 2;
  const starts = new Int32Array(targetLength);
  const counts = new Int32Array(targetLength);
  const weights = new Float32Array(targetLength * maxTaps);
  for (let target = 0; target < targetLength; target++) {
    const center = cropStart + (target + 0.5) * scale;
    const half = Math.max(scale, 1) / 2;
    const first = Math.max(0, Math.floor(center - half - (scale > 1 ? 0 : 0.5)));
    const last = Math.min(sourceLength - 1, Math.ceil(center + half + (scale > 1 ? 0 : 0.5)));
    let total = 0;
    let count = 0;
    for (let source = first; source <= last && count < maxTaps; source++) {
      const weight =
        scale > 1
          ? Math.max(0, Math.min(source + 1, center + half) - Math.max(source, center - half))
          : Math.max(0, 1 - Math.abs(source + 0.5 - center));
      weights[target * maxTaps + count] = weight;
      total += weight;
      count++;
    }
    for (let tap = 0; tap < count; tap++) weights[target * maxTaps + tap]! /= total || 1;
    starts[target] = first;
    counts[target] = count;
  }
  return { starts, counts, weights, maxTaps };
}

function checkSize(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
}

/** Resizes one RGB image. Returns the input unchanged when it already has the target size (and fit is irrelevant). */
export function resizeImage(image: RgbImage, options: ResizeOptions): RgbImage {
  const { width, height, fit = 'cover' } = options;
  checkSize(width, 'width');
  checkSize(height, 'height');
  if (fit !== 'fill' && fit !== 'cover') {
    throw new RangeError(`fit must be 'fill' or 'cover', got ${String(fit)}.`);
  }
  if (image.width === width && image.height === height) {
    return image;
  }
  let cropX = 0;
  let cropY = 0;
  let cropWidth = image.width;
  let cropHeight = image.height;
  if (fit === 'cover') {
    const scale = Math.min(image.width / width, image.height / height);
    cropWidth = width * scale;
    cropHeight = height * scale;
    cropX = (image.width - cropWidth) / 2;
    cropY = (image.height - cropHeight) / 2;
  }
  const horizontal = computeTaps(cropX, cropWidth, width, image.width);
  const vertical = computeTaps(cropY, cropHeight, height, image.height);
  // Horizontal pass: [h_in w_in 3] -> [h_in w 3] (float), then vertical: -> [h w 3].
  const middle = new Float32Array(image.height * width * 3);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const start = horizontal.starts[x]!;
      for (let tap = 0; tap < horizontal.counts[x]!; tap++) {
        const weight = horizontal.weights[x * horizontal.maxTaps + tap]!;
        const source = (y * image.width + start + tap) * 3;
        r += weight * image.data[source]!;
        g += weight * image.data[source + 1]!;
        b += weight * image.data[source + 2]!;
      }
      const target = (y * width + x) * 3;
      middle[target] = r;
      middle[target + 1] = g;
      middle[target + 2] = b;
    }
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const start = vertical.starts[y]!;
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let tap = 0; tap < vertical.counts[y]!; tap++) {
        const weight = vertical.weights[y * vertical.maxTaps + tap]!;
        const source = ((start + tap) * width + x) * 3;
        r += weight * middle[source]!;
        g += weight * middle[source + 1]!;
        b += weight * middle[source + 2]!;
      }
      const target = (y * width + x) * 3;
      out[target] = Math.min(255, Math.max(0, Math.round(r)));
      out[target + 1] = Math.min(255, Math.max(0, Math.round(g)));
      out[target + 2] = Math.min(255, Math.max(0, Math.round(b)));
    }
  }
  return { width, height, data: out };
}

/** Resizes every frame of a clip (same options as `resizeImage`). */
export function resizeFrames(frames: VideoFrames, options: ResizeOptions): VideoFrames {
  if (frames.width === options.width && frames.height === options.height) {
    return frames;
  }
  const images: RgbImage[] = [];
  for (let index = 0; index < frames.numFrames; index++) {
    images.push(resizeImage(frames.frame(index), options));
  }
  if (images.length === 0) {
    return new VideoFrames({
      width: options.width,
      height: options.height,
      fps: frames.fps,
      data: new Uint8Array(0),
    });
  }
  return VideoFrames.fromImages({ images, fps: frames.fps });
}
