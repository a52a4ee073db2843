import { describe, expect, it } from 'vitest';
import { inceptionScore, jointProbabilities } from './inception-score.js';

describe('inceptionScore', () => {
  it('is the number of classes for confident frames spread evenly over them', () => {
    const oneHot = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1];
    expect(inceptionScore(oneHot, 3)).toBeCloseTo(3, 12);
  });

  it('is 1 when every frame gets the same distribution, however confident', () => {
    expect(inceptionScore([0.7, 0.2, 0.1, 0.7, 0.2, 0.1], 3)).toBeCloseTo(1, 12);
    expect(inceptionScore([1, 0, 1, 0], 2)).toBeCloseTo(1, 12);
  });

  it('matches exp(mean KL) computed by hand', () => {
    const rows = [0.9, 0.1, 0.2, 0.8];
    const marginal = [0.55, 0.45];
    const kl = (p: number[]) => p.reduce((sum, value, k) => sum + value * Math.log(value / marginal[k]!), 0);
    const expected = Math.exp((kl([0.9, 0.1]) + kl([0.2, 0.8])) / 2);
    expect(inceptionScore(rows, 2)).toBeCloseTo(expected, 12);
  });

  it('joins two heads as an outer product per row', () => {
    const joint = jointProbabilities([0.5, 0.5, 1, 0], 2, [0.25, 0.75, 0, 1], 2);
    expect([...joint]).toEqual([0.125, 0.375, 0.125, 0.375, 0, 1, 0, 0]);
  });
});
