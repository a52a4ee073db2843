import { describe, expect, it } from 'vitest';
import { CorruptInputError } from '../errors.js';
import { webmSeed } from '../test-support/fuzz-seeds.js';
import { findMatroskaJunk, isMatroska } from './matroska-junk.js';
import { readVideo } from './read-video.js';

/** The first offset of `pattern` in `bytes`. */
function indexOf(bytes: Uint8Array, pattern: readonly number[]): number {
  return bytes.findIndex((_, start) => pattern.every((value, index) => bytes[start + index] === value));
}

describe('findMatroskaJunk', () => {
  it('finds nothing in a valid WebM', async () => {
    const webm = await webmSeed();
    expect(isMatroska(webm)).toBe(true);
    expect(findMatroskaJunk(webm)).toBeUndefined();
  });

  it('finds where a damaged WebM holds no top-level element (mediabunny 1.61 loops forever there)', async () => {
    const webm = await webmSeed();
    const cues = indexOf(webm, [0x1c, 0x53, 0xbb, 0x6b]);
    expect(cues).toBeGreaterThan(0);
    webm.fill(0, cues); // zeros from the first Cues ID on: no element is left to resync to
    const junk = findMatroskaJunk(webm);
    const position = Number(
      /^byte (\d+) holds no top-level element \(damaged or truncated file\)$/.exec(junk ?? '')?.[1],
    );
    expect(position).toBeGreaterThanOrEqual(cues);
    const error = await readVideo({ data: webm }).catch((caught: unknown) => caught);
    expect(CorruptInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`byte ${position} holds no top-level element`);
  });
});
