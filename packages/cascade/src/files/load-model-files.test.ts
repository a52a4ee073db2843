import { readSafetensors, writeSafetensors } from '@mav/p3d-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../errors.js';
import type { ModelManifest } from '../manifest/manifest-schema.js';
import { parseManifest } from '../manifest/parse-manifest.js';
import { createRandomCascade, type RandomCascade } from '../testing/random-cascade.js';
import { loadModelFiles } from './load-model-files.js';
import { createMemorySource, sha256Hex } from './model-file-source.js';

let random: RandomCascade;
beforeAll(async () => {
  random = await createRandomCascade({ seed: 5, preset: 'tiny' });
});

/** The random cascade with `edit` applied to the float32 tensors of `file`, and the manifest's hash updated. */
async function withEditedWeights(
  edits: Record<string, (tensors: Record<string, Float32Array>) => void>,
): Promise<{ manifest: ModelManifest; files: Map<string, Uint8Array> }> {
  const files = new Map(random.files);
  const manifest = structuredClone(random.manifest);
  for (const [file, edit] of Object.entries(edits)) {
    const { tensors } = readSafetensors(files.get(file)!, { fileName: file });
    edit(
      Object.fromEntries(
        Object.entries(tensors).map(([name, tensor]) => [name, tensor.data as Float32Array]),
      ),
    );
    const bytes = writeSafetensors(tensors);
    files.set(file, bytes);
    for (const stage of Object.values(manifest.stages)) {
      for (const entry of stage?.weights ?? []) {
        if (entry.file === file) entry.sha256 = await sha256Hex(bytes);
      }
    }
  }
  return { manifest, files };
}

async function loadError(manifest: ModelManifest, files: Map<string, Uint8Array>): Promise<ManifestError> {
  const error = await loadModelFiles(parseManifest(manifest), createMemorySource(files)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ManifestError.isInstance(error), String(error)).toBe(true);
  return error as ManifestError;
}

describe('loadModelFiles', () => {
  it('loads the random cascade', async () => {
    const loaded = await loadModelFiles(parseManifest(random.manifest), createMemorySource(random.files));
    expect(Object.keys(loaded.weights.decoder!)).toContain('conv_in.weight');
  });

  it('reports every weight tensor holding NaN or ±Infinity, by file and tensor', async () => {
    const { manifest, files } = await withEditedWeights({
      'decoder.safetensors': (tensors) => {
        tensors['conv_in.weight']![3] = Number.NaN;
        tensors['conv_in.weight']![5] = Number.NaN;
        tensors['conv_in.bias']![0] = Number.POSITIVE_INFINITY;
      },
      'sr-high.safetensors': (tensors) => {
        tensors['conv_out.weight']![7] = Number.NEGATIVE_INFINITY;
      },
    });
    const error = await loadError(manifest, files);
    expect(error.reason).toBe('invalid-weights');
    expect(error.message).toMatch(/3 weight tensors hold NaN or ±Infinity/);
    expect(error.message).toMatch(
      /'decoder\.safetensors', tensor 'conv_in\.weight': 2 of \d+ values \(first: NaN at element 3\)/,
    );
    expect(error.message).toMatch(
      /'decoder\.safetensors', tensor 'conv_in\.bias': 1 of \d+ values \(first: Infinity at element 0\)/,
    );
    expect(error.message).toMatch(
      /'sr-high\.safetensors', tensor 'conv_out\.weight': 1 of \d+ values \(first: -Infinity at element 7\)/,
    );
    expect(error.file).toBeUndefined();
  });

  it('names the file when only one holds non-finite weights', async () => {
    const { manifest, files } = await withEditedWeights({
      'prior.safetensors': (tensors) => {
        const first = Object.values(tensors)[0]!;
        first[0] = Number.NaN;
      },
    });
    const error = await loadError(manifest, files);
    expect(error.reason).toBe('invalid-weights');
    expect(error.file).toBe('prior.safetensors');
    expect(error.path).toBe('stages.prior.weights[0].file');
  });
});
