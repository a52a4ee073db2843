import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { temporalConsistency, temporalHighPassEnergy } from './temporal-metrics.js';

function video(frames: number[][]): Tensor<'float32'> {
  // each frame: one value per element of a [3 2 2] frame
  const size = 12;
  return new Tensor({
    dtype: 'float32',
    dims: [frames.length, 3, 2, 2],
    data: Float32Array.from(
      frames.flatMap((frame) => Array.from({ length: size }, (_, index) => frame[index % frame.length]!)),
    ),
  });
}

describe('temporalConsistency', () => {
  it('is the share of later frames with frame 0’s shape and colour', () => {
    expect(temporalConsistency([1, 1, 1, 1], [2, 2, 2, 2])).toBe(1);
    expect(temporalConsistency([1, 1, 3, 1, 1], [2, 2, 2, 5, 2])).toBe(0.5);
    expect(temporalConsistency([4], [4])).toBe(1);
  });
});

describe('temporalHighPassEnergy', () => {
  it('is zero for still and for linearly changing frames', () => {
    expect(temporalHighPassEnergy(video([[0.2], [0.2], [0.2], [0.2]]))).toBe(0);
    expect(temporalHighPassEnergy(video([[-0.6], [-0.2], [0.2], [0.6]]))).toBeCloseTo(0, 12);
  });

  it('measures alternating frames: ((a + 2a + a) / 2)² for ±a flicker', () => {
    // values ±0.5 in [−1, 1] units: the second difference is ±2, halved to ±1 in [0, 1] units
    expect(temporalHighPassEnergy(video([[0.5], [-0.5], [0.5], [-0.5]]))).toBeCloseTo(1, 12);
    // only half the elements flicker: half the energy
    expect(
      temporalHighPassEnergy(
        video([
          [0.5, 0],
          [-0.5, 0],
          [0.5, 0],
        ]),
      ),
    ).toBeCloseTo(0.5, 12);
  });
});
