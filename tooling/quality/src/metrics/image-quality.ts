import type { Tensor } from '@mav/tensor';

/**
 * PSNR in dB between two batches of frames in [−1, 1] (peak = the [0, 1] range): 10 · log10(1 / MSE) with
 * the MSE in [0, 1] units over every value; `Infinity` for identical inputs.
 */
export function psnr(a: Tensor<'float32'>, b: Tensor<'float32'>): number {
  checkSame(a, b);
  let sum = 0;
  for (let k = 0; k < a.size; k++) sum += ((a.data[k]! - b.data[k]!) / 2) ** 2;
  const mse = sum / a.size;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(1 / mse);
}

/**
 * Mean SSIM (Wang et al. 2004) over the frames and channels of two batches `[n c H W]` in [−1, 1], on the
 * [0, 1] range: Gaussian window of σ 1.5 truncated at radius 5 (11 × 11, renormalised at the borders),
 * C1 = (0.01)², C2 = (0.03)².
 */
export function ssim(a: Tensor<'float32'>, b: Tensor<'float32'>): number {
  checkSame(a, b);
  const [n, channels, height, width] = a.dims as number[];
  const radius = 5;
  const weights = Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * 1.5 ** 2)),
  );
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const plane = height! * width!;
  let total = 0;
  for (let p = 0; p < n! * channels!; p++) {
    const offset = p * plane;
    for (let y = 0; y < height!; y++)
      for (let x = 0; x < width!; x++) {
        let weightSum = 0;
        let meanA = 0;
        let meanB = 0;
        let aa = 0;
        let bb = 0;
        let ab = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height!) continue;
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = x + dx;
            if (xx < 0 || xx >= width!) continue;
            const w = weights[dy + radius]! * weights[dx + radius]!;
            const va = (a.data[offset + yy * width! + xx]! + 1) / 2;
            const vb = (b.data[offset + yy * width! + xx]! + 1) / 2;
            weightSum += w;
            meanA += w * va;
            meanB += w * vb;
            aa += w * va * va;
            bb += w * vb * vb;
            ab += w * va * vb;
          }
        }
        meanA /= weightSum;
        meanB /= weightSum;
        const varianceA = aa / weightSum - meanA * meanA;
        const varianceB = bb / weightSum - meanB * meanB;
        const covariance = ab / weightSum - meanA * meanB;
        total +=
          ((2 * meanA * meanB + c1) * (2 * covariance + c2)) /
          ((meanA * meanA + meanB * meanB + c1) * (varianceA + varianceB + c2));
      }
  }
  return total / (n! * channels! * plane);
}

function checkSame(a: Tensor<'float32'>, b: Tensor<'float32'>): void {
  if (a.dims.length !== 4 || a.dims.some((dim, axis) => dim !== b.dims[axis])) {
    throw new RangeError(
      `frames must be two [n c H W] batches of one shape, got ${a.toString()} and ${b.toString()}.`,
    );
  }
}
