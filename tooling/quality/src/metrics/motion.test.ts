import { describe, expect, it } from 'vitest';
import { videoMotion, wasserstein1 } from './motion.js';

const at = (x: number, y: number, found = true) => ({ found, x, y, area: 0.05 });

describe('videoMotion', () => {
  it('measures displacement per frame and speed at the clip’s fps', () => {
    const track = [at(0.1, 0.5), at(0.13, 0.54), at(0.16, 0.58)];
    const motion = videoMotion(track, 10);
    expect(motion.displacementPerFrame).toBeCloseTo(0.05, 12);
    expect(motion.speed).toBeCloseTo(0.5, 12);
    expect(motion.moves).toBe(true);
    expect(motion.foundShare).toBe(1);
  });

  it('calls an object still when it stays within the threshold, and skips frames without one', () => {
    const still = videoMotion([at(0.5, 0.5), at(0.505, 0.5), at(0.5, 0.51)], 24);
    expect(still.moves).toBe(false);
    const gaps = videoMotion([at(0.2, 0.2), at(0, 0, false), at(0.4, 0.2), at(0.5, 0.2)], 1);
    expect(gaps.foundShare).toBe(0.75);
    expect(gaps.displacementPerFrame).toBeCloseTo(0.1, 12);
  });
});

describe('wasserstein1', () => {
  it('is the shift between a sample and its translate, and 0 against itself', () => {
    expect(wasserstein1([1, 2, 3], [1.5, 2.5, 3.5])).toBeCloseTo(0.5, 12);
    expect(wasserstein1([3, 1, 2], [1, 2, 3])).toBe(0);
  });

  it('compares samples of different sizes through their quantile functions', () => {
    // {0, 1} against {0, 0, 1, 1}: the same distribution
    expect(wasserstein1([0, 1], [0, 0, 1, 1])).toBeCloseTo(0, 12);
    // {0} against {0, 1}: half the mass moves by 1
    expect(wasserstein1([0], [0, 1])).toBeCloseTo(0.5, 12);
  });
});
