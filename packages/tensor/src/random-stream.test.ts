import { describe, expect, it } from 'vitest';
import { deterministicLog, deterministicSinCosTurns } from './deterministic-math.js';
import { RandomStream, randomNormalTensor } from './random-stream.js';
import { sha256Hex } from './test-support/sha256.js';

describe('RandomStream', () => {
  it('gives 10^6 standard normal values with mean and std within 0.005 of 0 and 1', () => {
    const values = new RandomStream({ seed: 1234 }).normal(1_000_000);
    let sum = 0;
    let squares = 0;
    for (const value of values) {
      sum += value;
      squares += value * value;
    }
    const mean = sum / values.length;
    const std = Math.sqrt(squares / values.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(std - 1)).toBeLessThan(0.005);
  });

  it('gives uniform values in [0, 1) with the right mean and variance', () => {
    const values = new RandomStream({ seed: 99, stream: 3 }).uniform(200_000);
    let sum = 0;
    let squares = 0;
    for (const value of values) {
      expect(value >= 0 && value < 1).toBe(true);
      sum += value;
      squares += value * value;
    }
    const mean = sum / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(squares / values.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('is bit-identical across two runs', async () => {
    const first = await sha256Hex(new RandomStream({ seed: 7 }).normal(1_000_000));
    const second = await sha256Hex(new RandomStream({ seed: 7 }).normal(1_000_000));
    expect(first).toBe(second);
    expect(await sha256Hex(new RandomStream({ seed: 8 }).normal(1_000_000))).not.toBe(first);
  });

  it('does not depend on how the values were drawn in chunks, nor on other streams', () => {
    const whole = new RandomStream({ seed: 5, stream: 2 }).normal(103);
    const chunked = new RandomStream({ seed: 5, stream: 2 });
    const other = new RandomStream({ seed: 5, stream: 3 });
    const parts: number[] = [];
    for (const size of [1, 2, 7, 13, 80]) {
      other.normal(size * 3);
      parts.push(...chunked.normal(size));
    }
    expect(Float32Array.from(parts)).toEqual(whole);
    const resumed = new RandomStream({ seed: 5, stream: 2, position: 50 }).normal(53);
    expect(resumed).toEqual(whole.subarray(50));
  });

  it('gives different, uncorrelated streams for different stream ids', () => {
    const a = new RandomStream({ seed: 5, stream: 0 }).normal(50_000);
    const b = new RandomStream({ seed: 5, stream: 1 }).normal(50_000);
    let dot = 0;
    for (let index = 0; index < a.length; index++) dot += a[index]! * b[index]!;
    expect(Math.abs(dot / a.length)).toBeLessThan(0.02);
  });

  it('accepts 64-bit seeds and streams and rejects invalid ones', () => {
    const big = new RandomStream({ seed: (1n << 64n) - 1n, stream: 1n << 40n });
    expect(big.uint32(4)).toHaveLength(4);
    expect(() => new RandomStream({ seed: -1 })).toThrow(RangeError);
    expect(() => new RandomStream({ seed: 1n << 64n })).toThrow(/seed must be in \[0, 2\^64\)/);
    expect(() => new RandomStream({ seed: 1.5 })).toThrow(RangeError);
    expect(() => new RandomStream({ seed: '3' as unknown as number })).toThrow(TypeError);
    expect(() => new RandomStream({ seed: 1 }).normal(-1)).toThrow(RangeError);
  });

  it('fills tensors from the documented stream', () => {
    const tensor = randomNormalTensor({ seed: 11, stream: 4, dims: [2, 3, 4] });
    expect(tensor.dims).toEqual([2, 3, 4]);
    expect(tensor.data).toEqual(new RandomStream({ seed: 11, stream: 4 }).normal(24));
  });
});

describe('deterministic math', () => {
  it('log matches Math.log to 1e-15 relative over many magnitudes', () => {
    for (let exponent = -32; exponent <= 8; exponent++) {
      for (const mantissa of [1, 1.1, 1.41, 1.5, 1.9999]) {
        const x = mantissa * 2 ** exponent;
        expect(Math.abs(deterministicLog(x) - Math.log(x))).toBeLessThanOrEqual(
          1e-15 * Math.max(1, Math.abs(Math.log(x))),
        );
      }
    }
    expect(() => deterministicLog(0)).toThrow(RangeError);
  });

  it('sin and cos of 2πu match Math to 1e-15 over the circle', () => {
    for (let index = 0; index < 4096; index++) {
      const u = index / 4096 + 1 / 65536;
      const [sine, cosine] = deterministicSinCosTurns(u);
      expect(Math.abs(sine - Math.sin(2 * Math.PI * u))).toBeLessThan(1e-15);
      expect(Math.abs(cosine - Math.cos(2 * Math.PI * u))).toBeLessThan(1e-15);
    }
  });
});
