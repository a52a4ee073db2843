import { expectDocumentedErrors, fuzzRuns, mutatedBytes, peakResidentBytes } from '@mav/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptInputError, UnsupportedFormatError } from '../errors.js';
import { jpegSeeds, pngSeeds } from '../test-support/fuzz-seeds.js';
import { readImage } from './read-image.js';

// readImage with sharp (libvips) on untrusted bytes: a one-frame clip of width·height·3 bytes, or
// CorruptInputError / UnsupportedFormatError. (The pure-JS path is decodeImageBytes, fuzzed next to it.)

const isDocumented = [
  (error: unknown) => CorruptInputError.isInstance(error),
  (error: unknown) => UnsupportedFormatError.isInstance(error),
];

describe('readImage (sharp) on untrusted bytes', () => {
  it(`reads or throws a documented error for ${fuzzRuns} mutated PNG and JPEG files`, async () => {
    const baseline = peakResidentBytes();
    await fc.assert(
      fc.asyncProperty(mutatedBytes([...pngSeeds(), ...jpegSeeds()]), async (data) => {
        const frames = await expectDocumentedErrors(
          () => readImage({ data, decoder: 'sharp' }),
          isDocumented,
          data,
        );
        if (frames !== undefined) {
          expect(frames.numFrames).toBe(1);
          expect(frames.data.length).toBe(frames.width * frames.height * 3);
        }
      }),
      { numRuns: fuzzRuns },
    );
    expect(peakResidentBytes() - baseline).toBeLessThan(1024 * 2 ** 20);
  });
});
