import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { maskedFrameConditioning } from './masked-frame-conditioning.js';
import { augmentWithNoise } from './noise-augmentation.js';
import { alphasCumulativeProduct, betaSchedule } from './noise-schedule.js';
import { sharedFrameNoise } from './shared-frame-noise.js';
import { linearAlphasCumulative } from './testing-gaussian-session.js';

/** [b c f h w] frames whose every pixel holds 1000·b + 100·c + f + 1 (never 0). */
function labelledFrames(batch: number, channels: number, frames: number, height: number, width: number) {
  const tensor = new Tensor({ dtype: 'float32', dims: [batch, channels, frames, height, width] });
  const frameSize = height * width;
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < channels; c++)
      for (let f = 0; f < frames; f++) {
        const offset = ((b * channels + c) * frames + f) * frameSize;
        tensor.data.fill(1000 * b + 100 * c + f + 1, offset, offset + frameSize);
      }
  return tensor;
}

/** Value of every pixel of frame f in channel c of sample b, or NaN when the frame is not uniform. */
function frameValue(tensor: Tensor<'float32'>, b: number, c: number, f: number): number {
  const [, channels, frames, height, width] = tensor.dims as number[];
  const frameSize = height! * width!;
  const offset = ((b * channels! + c) * frames! + f) * frameSize;
  const values = new Set(tensor.data.subarray(offset, offset + frameSize));
  return values.size === 1 ? [...values][0]! : Number.NaN;
}

describe('maskedFrameConditioning', () => {
  it('interpolation 16 → 76 frames at frame skip 5: known frames exactly at 0, 5, …, 75', () => {
    const frames = labelledFrames(2, 3, 16, 4, 5);
    const result = maskedFrameConditioning({ frames, mode: 'interpolation', frameSkip: 5 });
    const expectedPositions = Array.from({ length: 16 }, (_, index) => index * 5);
    expect(result.numFrames).toBe(76);
    expect(result.knownFrames).toEqual(expectedPositions);
    expect(result.maskedFrames.dims).toEqual([2, 3, 76, 4, 5]);
    expect(result.mask.dims).toEqual([2, 1, 76, 4, 5]);
    expect(result.conditioning.dims).toEqual([2, 4, 76, 4, 5]);
    for (let b = 0; b < 2; b++) {
      const maskPositions = [];
      for (let f = 0; f < 76; f++) {
        const maskValue = frameValue(result.mask, b, 0, f);
        expect(frameValue(result.conditioning, b, 3, f)).toBe(maskValue);
        if (maskValue === 1) maskPositions.push(f);
        else expect(maskValue).toBe(0);
        for (let c = 0; c < 3; c++) {
          const expected = maskValue === 1 ? 1000 * b + 100 * c + f / 5 + 1 : 0;
          expect(frameValue(result.maskedFrames, b, c, f)).toBe(expected);
          expect(frameValue(result.conditioning, b, c, f)).toBe(expected);
        }
      }
      expect(maskPositions).toEqual(expectedPositions);
    }
  });

  it('interpolation with other frame skips', () => {
    for (const frameSkip of [1, 2, 3, 8]) {
      const result = maskedFrameConditioning({
        frames: labelledFrames(1, 3, 4, 1, 1),
        mode: 'interpolation',
        frameSkip,
      });
      expect(result.numFrames).toBe(3 * frameSkip + 1);
      expect([...result.mask.data].flatMap((value, index) => (value === 1 ? [index] : []))).toEqual(
        [0, 1, 2, 3].map((index) => index * frameSkip),
      );
    }
    expect(() =>
      maskedFrameConditioning({
        frames: labelledFrames(1, 3, 16, 1, 1),
        mode: 'interpolation',
        frameSkip: 5,
        numFrames: 80,
      }),
    ).toThrow(/76/);
  });

  it('extrapolation: the known frames at the start, unknown frames after them zero', () => {
    const result = maskedFrameConditioning({
      frames: labelledFrames(1, 3, 4, 2, 2),
      mode: 'extrapolation',
      numFrames: 10,
    });
    expect(result.knownFrames).toEqual([0, 1, 2, 3]);
    const mask = Array.from({ length: 10 }, (_, f) => frameValue(result.mask, 0, 0, f));
    expect(mask).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(frameValue(result.maskedFrames, 0, 2, 3)).toBe(204);
    expect(frameValue(result.maskedFrames, 0, 2, 4)).toBe(0);
    const skipped = maskedFrameConditioning({
      frames: labelledFrames(1, 3, 4, 1, 1),
      mode: 'extrapolation',
      frameSkip: 2,
      numFrames: 12,
    });
    expect(skipped.knownFrames).toEqual([0, 2, 4, 6]);
    expect(() =>
      maskedFrameConditioning({ frames: labelledFrames(1, 3, 4, 1, 1), mode: 'extrapolation', numFrames: 4 }),
    ).toThrow(RangeError);
  });

  it('animation: only the first frame is known', () => {
    const result = maskedFrameConditioning({
      frames: labelledFrames(1, 3, 1, 2, 2),
      mode: 'animation',
      numFrames: 16,
    });
    expect(result.knownFrames).toEqual([0]);
    const mask = Array.from({ length: 16 }, (_, f) => frameValue(result.mask, 0, 0, f));
    expect(mask).toEqual([1, ...new Array(15).fill(0)]);
    expect(frameValue(result.maskedFrames, 0, 1, 0)).toBe(101);
    for (let c = 0; c < 3; c++) {
      for (let f = 1; f < 16; f++) expect(frameValue(result.maskedFrames, 0, c, f)).toBe(0);
    }
    expect(() =>
      maskedFrameConditioning({ frames: labelledFrames(1, 3, 2, 1, 1), mode: 'animation', numFrames: 16 }),
    ).toThrow(/one frame/);
  });

  it('validates the frames tensor', () => {
    expect(() =>
      maskedFrameConditioning({
        frames: new Tensor({ dtype: 'float32', dims: [3, 4, 4] }),
        mode: 'interpolation',
      }),
    ).toThrow(/\[b c f h w\]/);
  });
});

describe('sharedFrameNoise', () => {
  it('repeats one standard normal field across the frame axis', () => {
    const noise = sharedFrameNoise({ seed: 4, dims: [2, 3, 5, 4, 4] });
    const frameSize = 16;
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++) {
        const first = (b * 3 + c) * 5 * frameSize;
        const reference = noise.data.subarray(first, first + frameSize);
        for (let f = 1; f < 5; f++) {
          const offset = first + f * frameSize;
          expect(noise.data.subarray(offset, offset + frameSize)).toEqual(reference);
        }
      }
    // Different channels and samples get different noise; the same seed gives the same field.
    expect(noise.data.subarray(0, 16)).not.toEqual(noise.data.subarray(5 * 16, 6 * 16));
    expect(sharedFrameNoise({ seed: 4, dims: [2, 3, 5, 4, 4] }).data).toEqual(noise.data);
  });

  it('works with frames folded into the batch axis ([(b f) c h w], frameAxis 0)', () => {
    const noise = sharedFrameNoise({ seed: 1, dims: [6, 3, 2, 2], frameAxis: 0 });
    for (let f = 1; f < 6; f++)
      expect(noise.data.subarray(f * 12, (f + 1) * 12)).toEqual(noise.data.subarray(0, 12));
    expect(() => sharedFrameNoise({ seed: 1, dims: [2, 2], frameAxis: 2 })).toThrow(RangeError);
  });
});

describe('augmentWithNoise', () => {
  it('noises to √ᾱ_l x + √(1 − ᾱ_l) ε and reports the level per sample', () => {
    const sample = new Tensor({ dtype: 'float32', dims: [2, 2000] });
    sample.data.fill(2);
    const result = augmentWithNoise({ sample, noiseLevel: 300, seed: 9 });
    const a = linearAlphasCumulative()[300]!;
    let sum = 0;
    let squares = 0;
    for (const value of result.sample.data) {
      sum += value;
      squares += value * value;
    }
    const mean = sum / 4000;
    const std = Math.sqrt(squares / 4000 - mean * mean);
    expect(Math.abs(mean - 2 * Math.sqrt(a))).toBeLessThan(4 * Math.sqrt((1 - a) / 4000));
    expect(Math.abs(std / Math.sqrt(1 - a) - 1)).toBeLessThan(0.05);
    expect(result.noiseLevel).toBe(300);
    expect(result.noiseLevelTensor.dims).toEqual([2]);
    expect([...result.noiseLevelTensor.data]).toEqual([300n, 300n]);
    // Same seed, same noise; a custom schedule is honoured.
    expect(augmentWithNoise({ sample, noiseLevel: 300, seed: 9 }).sample.data).toEqual(result.sample.data);
    const cosine = alphasCumulativeProduct(betaSchedule({ kind: 'squared-cosine' }));
    const custom = augmentWithNoise({ sample, noiseLevel: 700, seed: 9, alphasCumulative: cosine });
    const noise = new RandomStream({ seed: 9 }).normal(4000);
    for (const index of [0, 1234, 3999]) {
      const c = cosine[700]!;
      expect(custom.sample.data[index]).toBeCloseTo(2 * Math.sqrt(c) + Math.sqrt(1 - c) * noise[index]!, 5);
      expect(result.sample.data[index]).toBeCloseTo(2 * Math.sqrt(a) + Math.sqrt(1 - a) * noise[index]!, 5);
    }
    expect(() => augmentWithNoise({ sample, noiseLevel: 1000, seed: 9 })).toThrow(RangeError);
  });
});
