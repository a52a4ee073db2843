/**
 * Test clips made by code: smooth moving gradients plus a soft blob, so that 4:2:0 video codecs can reach
 * a high PSNR while every frame differs.
 */
import { VideoFrames } from '../video-frames.js';

/** A `numFrames × height × width` clip whose content moves every frame. */
export function syntheticClip(options: {
  readonly width: number;
  readonly height: number;
  readonly numFrames: number;
  readonly fps: number;
}): VideoFrames {
  const { width, height, numFrames, fps } = options;
  const data = new Uint8Array(numFrames * width * height * 3);
  let offset = 0;
  for (let frame = 0; frame < numFrames; frame++) {
    const t = frame / Math.max(1, numFrames);
    const blobX = width * (0.25 + 0.5 * t);
    const blobY = height * (0.5 + 0.25 * Math.sin(2 * Math.PI * t));
    const radius = Math.max(2, Math.min(width, height) / 6);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const blob = Math.exp(-((x - blobX) ** 2 + (y - blobY) ** 2) / (2 * radius * radius));
        const r = 128 + 90 * Math.sin(2 * Math.PI * (x / width + t));
        const g = 128 + 90 * Math.cos(2 * Math.PI * (y / height - 0.7 * t));
        const b = 128 + 70 * Math.sin(2 * Math.PI * ((x + y) / (width + height) + 1.3 * t));
        data[offset++] = Math.round(r * (1 - blob) + 250 * blob);
        data[offset++] = Math.round(g * (1 - blob) + 200 * blob);
        data[offset++] = Math.round(b * (1 - blob) + 40 * blob);
      }
    }
  }
  return new VideoFrames({ width, height, fps, data });
}

/** PSNR in dB between two equally long byte arrays (Infinity when identical). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    const difference = a[index]! - b[index]!;
    sum += difference * difference;
  }
  return sum === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / (sum / a.length));
}

/** Largest absolute difference between two equally long byte arrays. */
export function maxAbsDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}
