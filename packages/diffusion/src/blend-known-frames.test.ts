import { randomNormalTensor, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { blendKnownFrames, maskedFrameConditioning } from './masked-frame-conditioning.js';

/** `[b c f h w]` of standard normal values from a seeded stream. */
function randomFrames(dims: [number, number, number, number, number], seed: number): Tensor<'float32'> {
  return randomNormalTensor({ seed, dims });
}

/** Element (b, c, f, y, x) of a `[b c f h w]` tensor. */
function at(tensor: Tensor<'float32'>, b: number, c: number, f: number, pixel: number): number {
  const [, channels, frames, height, width] = tensor.dims as number[];
  return tensor.data[((b * channels! + c) * frames! + f) * height! * width! + pixel]!;
}

describe('blendKnownFrames', () => {
  it('blends linearly between known frames by position (interpolation at skip 5)', () => {
    const given = randomFrames([2, 3, 3, 2, 2], 1);
    const { maskedFrames, knownFrames } = maskedFrameConditioning({
      frames: given,
      mode: 'interpolation',
      frameSkip: 5,
    });
    expect(knownFrames).toEqual([0, 5, 10]);
    const blend = blendKnownFrames(maskedFrames, knownFrames);
    expect(blend.dims).toEqual([2, 3, 11, 2, 2]);
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++)
        for (let pixel = 0; pixel < 4; pixel++) {
          const k = [0, 1, 2].map((index) => at(given, b, c, index, pixel));
          // frame 2 lies 2/5 of the way from known frame 0 to known frame 5; frame 8, 3/5 from 5 to 10
          expect(at(blend, b, c, 2, pixel)).toBeCloseTo(0.6 * k[0]! + 0.4 * k[1]!, 5);
          expect(at(blend, b, c, 8, pixel)).toBeCloseTo(0.4 * k[1]! + 0.6 * k[2]!, 5);
          // known frames come back as given
          expect(at(blend, b, c, 0, pixel)).toBe(k[0]);
          expect(at(blend, b, c, 5, pixel)).toBe(k[1]);
          expect(at(blend, b, c, 10, pixel)).toBe(k[2]);
        }
  });

  it('holds the last known frame after it (extrapolation) and the only one everywhere (animation)', () => {
    const given = randomFrames([1, 3, 3, 2, 3], 2);
    const extrapolated = maskedFrameConditioning({
      frames: given,
      mode: 'extrapolation',
      frameSkip: 2,
      numFrames: 9,
    });
    const blend = blendKnownFrames(extrapolated.maskedFrames, extrapolated.knownFrames);
    for (let c = 0; c < 3; c++)
      for (let pixel = 0; pixel < 6; pixel++) {
        const last = at(given, 0, c, 2, pixel);
        for (const frame of [5, 6, 7, 8]) expect(at(blend, 0, c, frame, pixel)).toBe(last);
        expect(at(blend, 0, c, 3, pixel)).toBeCloseTo(0.5 * at(given, 0, c, 1, pixel) + 0.5 * last, 5);
      }
    const still = randomFrames([1, 3, 1, 2, 2], 3);
    const animated = maskedFrameConditioning({ frames: still, mode: 'animation', numFrames: 6 });
    const held = blendKnownFrames(animated.maskedFrames, animated.knownFrames);
    for (let frame = 0; frame < 6; frame++)
      for (let c = 0; c < 3; c++)
        for (let pixel = 0; pixel < 4; pixel++)
          expect(at(held, 0, c, frame, pixel)).toBe(at(still, 0, c, 0, pixel));
  });

  it('holds the first known frame before it', () => {
    const frames = randomFrames([1, 1, 5, 1, 1], 4);
    const blend = blendKnownFrames(frames, [2, 4]);
    expect(Array.from(blend.data)).toEqual(
      [
        frames.data[2]!,
        frames.data[2]!,
        frames.data[2]!,
        Math.fround(0.5 * frames.data[2]! + 0.5 * frames.data[4]!),
        frames.data[4]!,
      ].map((value) => expect.closeTo(value, 6)),
    );
  });

  it('refuses known frames that are empty, out of range or not ascending', () => {
    const frames = randomFrames([1, 3, 4, 1, 1], 5);
    expect(() => blendKnownFrames(frames, [])).toThrow(RangeError);
    expect(() => blendKnownFrames(frames, [0, 4])).toThrow(/\[0, 4\)/);
    expect(() => blendKnownFrames(frames, [2, 1])).toThrow(/ascending/);
    expect(() => blendKnownFrames(frames, [1.5])).toThrow(RangeError);
    expect(() => blendKnownFrames(new Tensor({ dtype: 'float32', dims: [3, 4] }), [0])).toThrow(TypeError);
  });
});
