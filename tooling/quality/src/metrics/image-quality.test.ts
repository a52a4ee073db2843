import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { psnr, ssim } from './image-quality.js';

const frames = (values: (index: number) => number, size = 8) =>
  new Tensor({
    dtype: 'float32',
    dims: [1, 3, size, size],
    data: Float32Array.from({ length: 3 * size * size }, (_, i) => values(i)),
  });

describe('psnr', () => {
  it('is 10·log10(1/MSE) on the [0, 1] range', () => {
    const a = frames(() => 0);
    // +0.25 in [−1, 1] is +0.125 in [0, 1]: MSE 1/64 → 10·log10(64) dB
    expect(
      psnr(
        a,
        frames(() => 0.25),
      ),
    ).toBeCloseTo(10 * Math.log10(64), 10);
    expect(psnr(a, a)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('ssim', () => {
  it('is 1 for identical frames and lower for noise, a constant shift lowers only the luminance term', () => {
    const texture = frames((i) => Math.sin(i * 1.7) * 0.5);
    expect(ssim(texture, texture)).toBeCloseTo(1, 10);
    const noisy = frames((i) => Math.sin(i * 1.7) * 0.5 + (i % 3 === 0 ? 0.4 : -0.2));
    expect(ssim(texture, noisy)).toBeLessThan(0.9);
    // constant frames: variance terms vanish, SSIM = (2μaμb + C1) / (μa² + μb² + C1)
    const [ma, mb] = [0.25, 0.5];
    const expected = (2 * ma * mb + 1e-4) / (ma * ma + mb * mb + 1e-4);
    expect(
      ssim(
        frames(() => -0.5),
        frames(() => 0),
      ),
    ).toBeCloseTo(expected, 10);
  });
});
