import { expectDocumentedErrors, fuzzRuns, mutatedBytes } from '@mav/fuzz';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CorruptInputError, UnsupportedFormatError } from '../errors.js';
import { mp4Seed, webmSeed } from '../test-support/fuzz-seeds.js';
import { readVideo } from './read-video.js';

// The browser readVideo, run in Node: mediabunny demuxes, and without WebCodecs every decodable file ends in
// UnsupportedFormatError, so this exercises the container parsing (MP4 and WebM) and our error wrapping.
// Every input must settle, within a second, with CorruptInputError or UnsupportedFormatError.

let seeds: { mp4: Uint8Array; webm: Uint8Array };
beforeAll(async () => {
  seeds = { mp4: await mp4Seed(), webm: await webmSeed() };
  // mediabunny logs its failed decodability checks with console.error; keep the run's output readable.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

const isDocumented = [
  (error: unknown) => CorruptInputError.isInstance(error),
  (error: unknown) => UnsupportedFormatError.isInstance(error),
];

describe('readVideo (browser build, in Node) on untrusted bytes', () => {
  // Half of fuzzRuns per container (fuzzRuns in all): one demux costs mediabunny ~2 ms here.
  const runs = fuzzRuns / 2;

  it.each(['webm', 'mp4'] as const)(
    `settles with a documented error for ${runs} mutated %s files`,
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(mutatedBytes([seeds[kind]]), async (data) => {
          const frames = await expectDocumentedErrors(() => readVideo({ data }), isDocumented, data);
          expect(frames).toBeUndefined();
        }),
        { numRuns: runs, timeout: 1000 },
      );
    },
  );
});
