import { describe, expect, it } from 'vitest';
import { clipSimilarity, cosineSimilarity } from './clip-similarity.js';

describe('clipSimilarity', () => {
  it('is the mean cosine between the text embedding and each frame embedding', () => {
    const text = [1, 0];
    // frames at 0°, 90° and 180° (scaled: cosine ignores length)
    const images = [2, 0, 0, 5, -1, 0];
    expect(clipSimilarity(text, images)).toBeCloseTo((1 + 0 - 1) / 3, 12);
    expect(clipSimilarity([3, 4], [3, 4, 6, 8])).toBeCloseTo(1, 12);
  });

  it('takes the cosine at an offset and returns 0 for a zero vector', () => {
    expect(cosineSimilarity([1, 1], [9, 9, 1, 1], 2)).toBeCloseTo(1, 12);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
  });
});
