import { Tensor } from '@mav/tensor';

/**
 * The baselines frame interpolation, extrapolation and super-resolution are measured against: what a
 * video editor does without a network. Videos are `[1 3 F H W]` in [−1, 1].
 */

/** The frames between keyframes `skip` apart, blended linearly: frame t = (1 − α)·k_i + α·k_{i+1}, α = (t mod skip)/skip. */
export function linearBlend(keyframes: Tensor<'float32'>, skip: number): Tensor<'float32'> {
  return fillBetween(keyframes, skip, (low, high, alpha) => (1 - alpha) * low + alpha * high);
}

/** The frames between keyframes `skip` apart, each a copy of the nearest keyframe (the earlier one on a tie). */
export function nearestFrame(keyframes: Tensor<'float32'>, skip: number): Tensor<'float32'> {
  return fillBetween(keyframes, skip, (low, high, alpha) => (alpha <= 0.5 ? low : high));
}

/**
 * `count` frames after a video: each the last frame repeated ('nearest'), or continued along the change
 * between the last two frames ('linear': x_last + j·(x_last − x_prev), clamped to [−1, 1]).
 */
export function extendVideo(
  video: Tensor<'float32'>,
  count: number,
  mode: 'nearest' | 'linear',
): Tensor<'float32'> {
  const [, channels, frames, height, width] = video.dims as number[];
  const plane = height! * width!;
  const out = new Tensor({ dtype: 'float32', dims: [1, channels!, count, height!, width!] });
  for (let channel = 0; channel < channels!; channel++) {
    const last = (channel * frames! + frames! - 1) * plane;
    const previous = (channel * frames! + Math.max(0, frames! - 2)) * plane;
    for (let step = 1; step <= count; step++)
      for (let pixel = 0; pixel < plane; pixel++) {
        const value = video.data[last + pixel]!;
        const slope = mode === 'linear' ? value - video.data[previous + pixel]! : 0;
        out.data[(channel * count + step - 1) * plane + pixel] = Math.max(
          -1,
          Math.min(1, value + step * slope),
        );
      }
  }
  return out;
}

/**
 * Bicubic resizing of the last two axes to `size`² (Keys' cubic convolution with a = −0.75, half-pixel
 * centres, edge pixels repeated: PyTorch's `interpolate(mode='bicubic', align_corners=False)`).
 */
export function resizeBicubic(input: Tensor<'float32'>, size: number): Tensor<'float32'> {
  const dims = input.dims;
  const height = dims.at(-2)!;
  const width = dims.at(-1)!;
  const planes = input.size / (height * width);
  const taps = (outSize: number, inSize: number) =>
    Array.from({ length: outSize }, (_, index) => {
      const source = (index + 0.5) * (inSize / outSize) - 0.5;
      const base = Math.floor(source);
      const t = source - base;
      return [-1, 0, 1, 2].map((offset) => ({
        index: Math.min(Math.max(base + offset, 0), inSize - 1),
        weight: cubic(offset - t),
      }));
    });
  const rows = taps(size, height);
  const columns = taps(size, width);
  const out = new Tensor({ dtype: 'float32', dims: [...dims.slice(0, -2), size, size] });
  const horizontal = new Float64Array(height * size);
  for (let plane = 0; plane < planes; plane++) {
    const from = plane * height * width;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (const { index, weight } of columns[x]!) sum += weight * input.data[from + y * width + index]!;
        horizontal[y * size + x] = sum;
      }
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (const { index, weight } of rows[y]!) sum += weight * horizontal[index * size + x]!;
        out.data[plane * size * size + y * size + x] = sum;
      }
  }
  return out;
}

function cubic(distance: number): number {
  const a = -0.75;
  const x = Math.abs(distance);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

function fillBetween(
  keyframes: Tensor<'float32'>,
  skip: number,
  mix: (low: number, high: number, alpha: number) => number,
): Tensor<'float32'> {
  const [, channels, count, height, width] = keyframes.dims as number[];
  const frames = (count! - 1) * skip + 1;
  const plane = height! * width!;
  const out = new Tensor({ dtype: 'float32', dims: [1, channels!, frames, height!, width!] });
  for (let channel = 0; channel < channels!; channel++)
    for (let frame = 0; frame < frames; frame++) {
      const low = Math.min(Math.floor(frame / skip), count! - 1);
      const high = Math.min(low + 1, count! - 1);
      const alpha = frame / skip - low;
      const lowOffset = (channel * count! + low) * plane;
      const highOffset = (channel * count! + high) * plane;
      const target = (channel * frames + frame) * plane;
      for (let pixel = 0; pixel < plane; pixel++)
        out.data[target + pixel] = mix(
          keyframes.data[lowOffset + pixel]!,
          keyframes.data[highOffset + pixel]!,
          alpha,
        );
    }
  return out;
}
