import { expectDocumentedErrors, fuzzRuns, mutatedBytes, peakResidentBytes } from '@mav/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from './decode-image.js';
import { CorruptInputError, UnsupportedFormatError } from './errors.js';
import { jpegSeeds, pngSeeds } from './test-support/fuzz-seeds.js';

// Stills are untrusted input (a user's file): every input decodes to RGB of width·height·3 bytes or throws
// CorruptInputError / UnsupportedFormatError naming the source. Inputs are small valid PNGs (RGB, grey,
// grey+alpha, RGBA, 16-bit) and JPEGs (two qualities) mutated byte-wise and truncated.

const isDocumented = [
  (error: unknown) =>
    CorruptInputError.isInstance(error) && (error as CorruptInputError).source === 'fuzz-input',
  (error: unknown) => UnsupportedFormatError.isInstance(error),
];

describe('decodeImageBytes on untrusted bytes', () => {
  it.each([
    ['PNG', pngSeeds()],
    ['JPEG', jpegSeeds()],
  ])(`decodes or throws a documented error for ${fuzzRuns} mutated %s files`, async (_kind, seeds) => {
    const baseline = peakResidentBytes();
    await fc.assert(
      fc.asyncProperty(mutatedBytes(seeds), async (bytes) => {
        const decoded = await expectDocumentedErrors(
          () => decodeImageBytes(bytes, 'fuzz-input'),
          isDocumented,
          bytes,
        );
        if (decoded !== undefined) {
          expect(decoded.width).toBeGreaterThan(0);
          expect(decoded.height).toBeGreaterThan(0);
          expect(decoded.data.length).toBe(decoded.width * decoded.height * 3);
        }
      }),
      { numRuns: fuzzRuns },
    );
    expect(peakResidentBytes() - baseline).toBeLessThan(1024 * 2 ** 20);
  });
});
