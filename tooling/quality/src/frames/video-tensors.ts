import { framesToBatch } from '@mav/cascade';
import { Tensor } from '@mav/tensor';
import { psnr, ssim } from '../metrics/image-quality.js';
import { resizeBicubic } from './restoration-baselines.js';
import { resizeFrames, type VideoFrames } from './video-frames.js';

/** Small operations on float videos `[1 3 F H W]` in [−1, 1], for the restoration checks. */

/** `start, start + step, …` below `end`. */
export function range(start: number, end: number, step: number): number[] {
  const values: number[] = [];
  for (let value = start; value < end; value += step) values.push(value);
  return values;
}

/** 8-bit `[3 F H W]` → float `[1 3 F H W]` in [−1, 1]. */
export function videoTensor(video: VideoFrames): Tensor<'float32'> {
  return new Tensor({
    dtype: 'float32',
    dims: [1, 3, video.frames, video.height, video.width],
    data: Float32Array.from(video.data, (value) => value / 127.5 - 1),
  });
}

/** Frames `indices` of `[1 3 F H W]`. */
export function pickFrames(video: Tensor<'float32'>, indices: readonly number[]): Tensor<'float32'> {
  const [, channels, frames, height, width] = video.dims as number[];
  const plane = height! * width!;
  const out = new Tensor({ dtype: 'float32', dims: [1, channels!, indices.length, height!, width!] });
  for (let channel = 0; channel < channels!; channel++)
    indices.forEach((frame, index) => {
      out.data.set(
        video.data.subarray((channel * frames! + frame) * plane, (channel * frames! + frame + 1) * plane),
        (channel * indices.length + index) * plane,
      );
    });
  return out;
}

/** PSNR (dB) and SSIM of restored frames against the real ones. */
export interface ImageQuality {
  psnr: number;
  ssim: number;
}

/** PSNR and SSIM of two videos `[1 3 F H W]` over all their frames. */
export function videoQuality(restored: Tensor<'float32'>, truth: Tensor<'float32'>): ImageQuality {
  // [1 3 F H W] -> [F 3 H W], what PSNR and SSIM take
  const framesFirst = (video: Tensor<'float32'>) => {
    const [, channels, frames, height, width] = video.dims as number[];
    return framesToBatch(video).reshape([frames!, channels!, height!, width!]);
  };
  const a = framesFirst(restored);
  const b = framesFirst(truth);
  return { psnr: psnr(a, b), ssim: ssim(a, b) };
}

/** Values clamped to [−1, 1] (what the cascade does to every stage's output). */
export function clampVideo(video: Tensor<'float32'>): Tensor<'float32'> {
  return new Tensor({
    dtype: 'float32',
    dims: video.dims,
    data: video.data.map((value) => Math.max(-1, Math.min(1, value))),
  });
}

/** Area reduction of every frame of `[1 3 F H W]` to `size`². */
export function reduceVideo(video: Tensor<'float32'>, size: number): Tensor<'float32'> {
  const [, channels, frames, height, width] = video.dims as number[];
  const reduced = resizeFrames(video.reshape([channels! * frames!, 1, height!, width!]), size);
  return reduced.reshape([1, channels!, frames!, size, size]);
}

/** Bicubic enlargement of every frame of `[1 3 F H W]` to `size`². */
export function bicubicVideo(video: Tensor<'float32'>, size: number): Tensor<'float32'> {
  const [, channels, frames] = video.dims as number[];
  return resizeBicubic(video, size).reshape([1, channels!, frames!, size, size]);
}
