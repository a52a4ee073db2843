import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from './decode-image.js';
import { CorruptInputError } from './errors.js';
import { jpegSeeds, pngSeeds } from './test-support/fuzz-seeds.js';

// Regressions found by decode-image.fuzz.test.ts.
describe('decodeImageBytes', () => {
  it('decodes the seed images', () => {
    for (const bytes of [...pngSeeds(), ...jpegSeeds()]) {
      expect(decodeImageBytes(bytes)).toMatchObject({ width: 12, height: 8 });
    }
  });

  it('refuses a PNG whose header gives a 0×0 image (fast-png returns an empty image)', () => {
    const bytes = pngSeeds()[0]!.slice();
    bytes.fill(0, 16, 24); // IHDR width and height
    const error = (() => {
      try {
        return decodeImageBytes(bytes, 'empty.png');
      } catch (caught) {
        return caught;
      }
    })();
    expect(CorruptInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/empty\.png.*0×0/);
  });

  it('refuses a small JPEG whose frame header claims more pixels than its bytes can hold', () => {
    const bytes = jpegSeeds()[0]!.slice();
    const frame = bytes.findIndex((value, index) => value === 0xff && bytes[index + 1] === 0xc0);
    bytes.set([0x7f, 0xff, 0x7f, 0xff], frame + 5); // height, width: 32767 × 32767
    expect(() => decodeImageBytes(bytes, 'bomb.jpg')).toThrow(
      /bomb\.jpg.*claims 32767×32767 pixels, more than \d+ bytes of JPEG data can hold/,
    );
  });
});
