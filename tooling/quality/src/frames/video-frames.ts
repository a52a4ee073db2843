import { resizeBilinear } from '@mav/cascade';
import { Tensor } from '@mav/tensor';

/**
 * A video as the harness stores it: 8-bit RGB, channel-major `[3 F H W]` (the cascade's `[1 3 F H W]`
 * layout without the batch), value v meaning v/255 in [0, 1]. Generated and real videos are both scored from
 * this form, so a video scored fresh and one read back from disk give the same numbers.
 */
export interface VideoFrames {
  frames: number;
  height: number;
  width: number;
  /** `[3 F H W]` bytes. */
  data: Uint8Array;
}

/** A cascade output `[1 3 F H W]` (float in [−1, 1]) → 8-bit `VideoFrames` (round half up, clamped). */
export function quantizeVideo(video: Tensor<'float32'>): VideoFrames {
  const [batch, channels, frames, height, width] = video.dims as number[];
  if (video.dims.length !== 5 || batch !== 1 || channels !== 3) {
    throw new TypeError(`video must be float32 [1 3 F H W], got ${video.toString()}.`);
  }
  const data = new Uint8Array(video.size);
  for (let index = 0; index < video.size; index++) {
    data[index] = Math.max(0, Math.min(255, Math.floor((video.data[index]! + 1) * 127.5 + 0.5)));
  }
  return { frames: frames!, height: height!, width: width!, data };
}

/** The frames of a video as a batch `[F 3 H W]` in [−1, 1] (a subset with `indices`). */
export function framesAsBatch(video: VideoFrames, indices?: readonly number[]): Tensor<'float32'> {
  const order = indices ?? Array.from({ length: video.frames }, (_, index) => index);
  const plane = video.height * video.width;
  const output = new Tensor({ dtype: 'float32', dims: [order.length, 3, video.height, video.width] });
  // [3 F H W] -> [F 3 H W]
  order.forEach((frame, row) => {
    if (!Number.isInteger(frame) || frame < 0 || frame >= video.frames)
      throw new RangeError(`frame index ${frame} is outside 0 … ${video.frames - 1}.`);
    for (let channel = 0; channel < 3; channel++) {
      const from = (channel * video.frames + frame) * plane;
      const to = (row * 3 + channel) * plane;
      for (let pixel = 0; pixel < plane; pixel++)
        output.data[to + pixel] = video.data[from + pixel]! / 127.5 - 1;
    }
  });
  return output;
}

/**
 * Resizes a batch `[n c H W]` to `size`²: area averaging (box filter) when `size` divides the side — how
 * frames of 64² and 128² are brought to the judges' 32² — else bilinear with half-pixel centres (sides
 * smaller than `size`, e.g. a tiny test model's 8² keyframes).
 */
export function resizeFrames(batch: Tensor<'float32'>, size: number): Tensor<'float32'> {
  const [n, channels, height, width] = batch.dims as number[];
  if (height === size && width === size) return batch;
  if (height !== width || height! % size !== 0) return resizeBilinear(batch, size, size);
  const factor = height! / size;
  const output = new Tensor({ dtype: 'float32', dims: [n!, channels!, size, size] });
  const area = factor * factor;
  for (let plane = 0; plane < n! * channels!; plane++) {
    const from = plane * height! * width!;
    const to = plane * size * size;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = from + (y * factor + dy) * width!;
          for (let dx = 0; dx < factor; dx++) sum += batch.data[row + x * factor + dx]!;
        }
        output.data[to + y * size + x] = sum / area;
      }
  }
  return output;
}

/** Evenly spaced frame indices: `count` of `0 … frames − 1` including both ends (all when fewer). */
export function evenlySpacedFrames(frames: number, count: number): number[] {
  if (frames <= count) return Array.from({ length: frames }, (_, index) => index);
  if (count === 1) return [0];
  return Array.from({ length: count }, (_, index) => Math.round((index * (frames - 1)) / (count - 1)));
}
