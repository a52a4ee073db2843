import { expectDocumentedErrors, mutatedBytes } from '@mav/fuzz';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeY4m } from '../encode-y4m.js';
import { CorruptInputError } from '../errors.js';
import { mp4Seed } from '../test-support/fuzz-seeds.js';
import { syntheticClip } from '../test-support/synthetic-clip.js';
import { readVideo } from './read-video.js';

// The Node readVideo hands bytes to ffprobe and ffmpeg: every mutated Y4M or MP4 either decodes to whole
// frames or gives CorruptInputError. Each input spawns two processes (~50 ms), so this suite runs 30
// inputs, not fuzzRuns; the container parsing itself is ffmpeg's.

let seeds: Uint8Array[] = [];
beforeAll(async () => {
  const clip = syntheticClip({ width: 16, height: 16, numFrames: 3, fps: 10 });
  seeds = [await encodeY4m(clip), await mp4Seed()];
});

describe('readVideo (Node, ffmpeg) on untrusted bytes', () => {
  it('decodes whole frames or throws CorruptInputError for 30 mutated Y4M and MP4 files', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(seeds, { maxMutations: 2 }), async (data) => {
        const frames = await expectDocumentedErrors(
          () => readVideo({ data }),
          [(error) => CorruptInputError.isInstance(error)],
          data,
        );
        if (frames !== undefined) {
          expect(frames.numFrames).toBeGreaterThan(0);
          expect(frames.data.length).toBe(frames.numFrames * frames.width * frames.height * 3);
        }
      }),
      { numRuns: 30 },
    );
  });
});
