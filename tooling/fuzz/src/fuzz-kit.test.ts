import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectDocumentedErrors } from './documented-error.js';
import { editedJson } from './edited-json.js';
import { mutatedBytes } from './mutated-bytes.js';

describe('mutatedBytes', () => {
  const seed = Uint8Array.from({ length: 40 }, (_, index) => index);

  it('stays near its seeds: at most 4 mutations of ≤ 16 inserted bytes each, or short random bytes', () => {
    const samples = fc.sample(mutatedBytes([seed]), { numRuns: 2000, seed: 1 });
    expect(samples.every((bytes) => bytes instanceof Uint8Array && bytes.length <= 40 + 4 * 16)).toBe(true);
    // Both changed and truncated inputs come out, and the seed itself is never modified.
    expect(samples.some((bytes) => bytes.length < 40)).toBe(true);
    expect(
      samples.some((bytes) => bytes.length === 40 && bytes.some((value, index) => value !== index)),
    ).toBe(true);
    expect([...seed]).toEqual(Array.from({ length: 40 }, (_, index) => index));
  });
});

describe('expectDocumentedErrors', () => {
  it('passes documented errors and values through and names an undocumented one', async () => {
    const isRange = (error: unknown) => error instanceof RangeError;
    await expect(expectDocumentedErrors(() => 3, [isRange], seed3())).resolves.toBe(3);
    await expect(
      expectDocumentedErrors(
        () => {
          throw new RangeError('bad');
        },
        [isRange],
        seed3(),
      ),
    ).resolves.toBeUndefined();
    await expect(
      expectDocumentedErrors(
        async () => {
          throw new TypeError('Cannot read properties of undefined');
        },
        [isRange],
        seed3(),
      ),
    ).rejects.toThrow(/undocumented error for an input of 3 bytes: TypeError: Cannot read properties/);
  });
});

function seed3(): Uint8Array {
  return new Uint8Array(3);
}

describe('editedJson', () => {
  it('replaces or deletes nodes of its seeds without modifying them', () => {
    const seed = { a: [1, 2, { b: 'x' }], c: { d: true } };
    const before = JSON.stringify(seed);
    const samples = fc.sample(editedJson([seed]), { numRuns: 500, seed: 2 });
    expect(JSON.stringify(seed)).toBe(before);
    expect(samples.some((value) => JSON.stringify(value) !== before)).toBe(true);
    expect(samples.some((value) => typeof value === 'object' && value !== null && !('c' in value))).toBe(
      true,
    );
  });
});

describe('mutatedBytes with Node Buffer seeds', () => {
  it('never modifies a Buffer seed (whose slice() is a view)', () => {
    const seed = Buffer.from(Array.from({ length: 32 }, (_, index) => index));
    fc.sample(mutatedBytes([seed]), { numRuns: 500, seed: 3 });
    expect([...seed]).toEqual(Array.from({ length: 32 }, (_, index) => index));
  });
});
