import {
  editedJson,
  expectDocumentedErrors,
  fuzzRuns,
  type Json,
  mutatedBytes,
  peakResidentBytes,
} from '@mav/fuzz';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../errors.js';
import { createRandomCascade } from '../testing/random-cascade.js';
import { parseManifest } from './parse-manifest.js';

// A manifest is untrusted input (a downloaded model folder): every input either parses or throws
// ManifestError, as parseManifest documents. Inputs are the random cascades' manifests edited as JSON
// (nodes replaced by hostile values or deleted) and mutated as bytes (then decoded as UTF-8 text).

let manifests: Json[] = [];
beforeAll(async () => {
  const cascades = await Promise.all([
    createRandomCascade({ seed: 1, preset: 'tiny' }),
    createRandomCascade({ seed: 2, preset: 'small', interpolation: 'identity' }),
  ]);
  manifests = cascades.map((cascade) => JSON.parse(JSON.stringify(cascade.manifest)) as Json);
});

/** File names that try to leave the model folder. */
const escapingPaths: Json[] = [
  '../outside.safetensors',
  '/etc/passwd',
  'a/../../b',
  'C:\\weights',
  '%2e%2e/x',
];

const isManifestError = (error: unknown) => ManifestError.isInstance(error);

describe('parseManifest on untrusted input', () => {
  // Half the runs here: a schema error costs parseManifest ~1.5 ms on this machine (the byte mutations
  // below make the full fuzzRuns); together the two properties give it 15 000 inputs.
  const editedRuns = fuzzRuns / 2;

  it(`parses or throws ManifestError for ${editedRuns} manifests edited as JSON`, async () => {
    const baseline = peakResidentBytes();
    await fc.assert(
      fc.asyncProperty(editedJson(manifests, { values: escapingPaths }), async (manifest) => {
        await expectDocumentedErrors(
          () => parseManifest(manifest),
          [isManifestError],
          JSON.stringify(manifest),
        );
      }),
      { numRuns: editedRuns },
    );
    expect(peakResidentBytes() - baseline).toBeLessThan(512 * 2 ** 20);
  });

  it(`parses or throws ManifestError for ${fuzzRuns} manifests mutated as bytes`, async () => {
    const seeds = manifests.map((manifest) => new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
    const decoder = new TextDecoder();
    await fc.assert(
      fc.asyncProperty(mutatedBytes(seeds, { maxMutations: 3 }), async (bytes) => {
        await expectDocumentedErrors(() => parseManifest(decoder.decode(bytes)), [isManifestError], bytes);
      }),
      { numRuns: fuzzRuns },
    );
  });
});
