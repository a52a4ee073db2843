import { describe, expect, it } from 'vitest';
import { frechetDistance, meanAndCovariance, symmetricEigen, symmetricSqrt } from './frechet-distance.js';

/** Deterministic standard normal samples (Box–Muller on a linear congruential generator). */
function normals(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return Array.from(
    { length: count },
    () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

describe('frechetDistance', () => {
  it('is zero for a set against itself', () => {
    const rows = normals(300, 1);
    expect(frechetDistance(rows, rows, 3)).toBeCloseTo(0, 9);
  });

  it('equals (μ₁ − μ₂)² + (σ₁ − σ₂)² in one dimension', () => {
    // Two exact two-point sets: mean 1, σ 2 and mean −2, σ 0.5.
    const first = [1 - 2, 1 + 2];
    const second = [-2 - 0.5, -2 + 0.5];
    expect(frechetDistance(first, second, 1)).toBeCloseTo(3 ** 2 + 1.5 ** 2, 12);
  });

  it('equals Σ (μ₁ − μ₂)² + (σ₁ − σ₂)² over the axes for independent axes (diagonal covariances)', () => {
    // Four points per set spread along each axis: diagonal covariances with the given σ.
    const set = (mean: number[], sigma: number[]) =>
      [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ].flatMap(([a, b]) => [mean[0]! + sigma[0]! * Math.SQRT2 * a!, mean[1]! + sigma[1]! * Math.SQRT2 * b!]);
    const expected = (1 - 0) ** 2 + (2 - 3) ** 2 + (1 - 2) ** 2 + (0.5 - 1.5) ** 2;
    expect(frechetDistance(set([1, 2], [1, 0.5]), set([0, 3], [2, 1.5]), 2)).toBeCloseTo(expected, 10);
  });

  it('is invariant to a rotation of both sets and grows with a shift of one', () => {
    const a = normals(400, 2);
    const b = normals(400, 3).map((value, index) => (index % 2 === 0 ? 1.5 * value : value + 0.3));
    const angle = 0.7;
    const rotate = (rows: number[]) =>
      rows.map((_, index) => {
        const row = index >> 1;
        const [x, y] = [rows[2 * row]!, rows[2 * row + 1]!];
        return index % 2 === 0
          ? Math.cos(angle) * x - Math.sin(angle) * y
          : Math.sin(angle) * x + Math.cos(angle) * y;
      });
    const distance = frechetDistance(a, b, 2);
    expect(frechetDistance(rotate(a), rotate(b), 2)).toBeCloseTo(distance, 9);
    expect(
      frechetDistance(
        a,
        b.map((value) => value + 1),
        2,
      ),
    ).toBeGreaterThan(distance + 1);
  });

  it('handles more dimensions than samples (rank-deficient covariances)', () => {
    const a = normals(5 * 16, 4);
    const b = normals(5 * 16, 5);
    const distance = frechetDistance(a, b, 16);
    expect(Number.isFinite(distance)).toBe(true);
    expect(distance).toBeGreaterThan(0);
  });
});

describe('symmetric eigen and square root', () => {
  it('reproduces the matrix from its eigenpairs and squares the root back', () => {
    const matrix = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2];
    const { values, vectors } = symmetricEigen(matrix, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += vectors[i * 3 + k]! * values[k]! * vectors[j * 3 + k]!;
        expect(sum).toBeCloseTo(matrix[i * 3 + j]!, 10);
      }
    const root = symmetricSqrt(matrix, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += root[i * 3 + k]! * root[k * 3 + j]!;
        expect(sum).toBeCloseTo(matrix[i * 3 + j]!, 10);
      }
  });

  it('computes the population covariance', () => {
    const { mean, covariance } = meanAndCovariance([1, 2, 3, 6], 2);
    expect([...mean]).toEqual([2, 4]);
    expect([...covariance]).toEqual([1, 2, 2, 4]);
  });
});
