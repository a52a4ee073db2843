import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, type ManifestErrorReason } from '../errors.js';
import { createMemorySource, sha256Hex } from '../files/model-file-source.js';
import { loadCascade } from '../load-cascade.js';
import { createDirectorySource } from '../node.js';
import { createRandomCascade, type RandomCascade } from '../testing/random-cascade.js';
import type { ModelManifest } from './manifest-schema.js';

let random: RandomCascade;
beforeAll(async () => {
  random = await createRandomCascade({ seed: 2, preset: 'tiny' });
});

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary manifest fields
type Mutable = Record<string, any>;
function edited(edit: (manifest: Mutable) => void): ModelManifest {
  const copy = structuredClone(random.manifest) as Mutable;
  edit(copy);
  return copy as ModelManifest;
}

async function reasonOf(
  manifest: ModelManifest | string,
  files = random.files,
): Promise<{ reason: ManifestErrorReason; error: ManifestError }> {
  const error = await loadCascade({ manifest, files: createMemorySource(files) }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ManifestError.isInstance(error), String(error)).toBe(true);
  return { reason: (error as ManifestError).reason, error: error as ManifestError };
}

describe('bad manifests give a typed ManifestError', () => {
  it('the good manifest loads', async () => {
    await expect(
      loadCascade({ manifest: random.manifest, files: createMemorySource(random.files) }),
    ).resolves.toBeDefined();
  });

  it.each([
    ['invalid JSON', (): string => '{"format": ', 'invalid-json'],
    [
      'a newer version',
      () =>
        edited((m) => {
          m.version = 2;
        }),
      'unsupported-version',
    ],
    [
      'an unknown stage',
      () =>
        edited((m) => {
          m.stages.upscaler = m.stages.decoder;
        }),
      'unknown-stage',
    ],
    [
      'a missing required field',
      () =>
        edited((m) => {
          delete m.clipEmbeddingDim;
        }),
      'schema',
    ],
    [
      'an unknown scheduler',
      () =>
        edited((m) => {
          m.stages.decoder.scheduler.kind = 'plms';
        }),
      'schema',
    ],
    [
      'a malformed sha256',
      () =>
        edited((m) => {
          m.stages.decoder.weights[0].sha256 = 'abc';
        }),
      'schema',
    ],
    [
      'a parent-directory escape',
      () =>
        edited((m) => {
          m.stages.decoder.weights[0].file = '../secrets/decoder.safetensors';
        }),
      'path-escape',
    ],
    [
      'an absolute path',
      () =>
        edited((m) => {
          m.tokenizer.file = '/etc/passwd';
        }),
      'path-escape',
    ],
    [
      'a URL',
      () =>
        edited((m) => {
          m.stages.prior.weights[0].file = 'https://example.com/prior.safetensors';
        }),
      'path-escape',
    ],
    [
      'a backslash path',
      () =>
        edited((m) => {
          m.stages.prior.weights[0].file = '..\\prior.safetensors';
        }),
      'path-escape',
    ],
    [
      'a missing file',
      () =>
        edited((m) => {
          m.stages.decoder.weights[0].file = 'nowhere.safetensors';
        }),
      'missing-file',
    ],
    [
      'a wrong sha256',
      () =>
        edited((m) => {
          m.stages.decoder.weights[0].sha256 = '0'.repeat(64);
        }),
      'sha256-mismatch',
    ],
    [
      'a wrong embedding size',
      () =>
        edited((m) => {
          m.stages.prior.network.embeddingDim = 32;
        }),
      'inconsistent-shapes',
    ],
    [
      'a prior text length that differs from the text encoder',
      () =>
        edited((m) => {
          m.stages.prior.network.textLength = 9;
        }),
      'inconsistent-shapes',
    ],
    [
      'an interpolation net without mask channels',
      () =>
        edited((m) => {
          m.stages.interpolation.network.frameConditioningChannels = 0;
        }),
      'inconsistent-shapes',
    ],
    [
      'a per-frame SR_h with temporal layers',
      () =>
        edited((m) => {
          m.stages.superResolutionHigh.network.temporalLayers = true;
        }),
      'inconsistent-shapes',
    ],
    [
      'weights that do not fit the config',
      () =>
        edited((m) => {
          m.stages.decoder.network.baseChannels = 16;
        }),
      'invalid-weights',
    ],
    [
      "an end token that is not the text encoder's",
      () =>
        edited((m) => {
          m.stages.textEncoder.network.endTokenId = 1;
        }),
      'invalid-tokenizer',
    ],
  ] as const)('%s', async (_name, make, expected) => {
    const { reason, error } = await reasonOf(make() as ModelManifest | string);
    expect(reason).toBe(expected);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('a corrupt safetensors file (with a matching sha256)', async () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const files = new Map(random.files);
    files.set('broken.safetensors', bytes);
    const manifest = edited((m) => {
      m.stages.decoder.weights = [{ file: 'broken.safetensors', sha256: '' }];
    });
    manifest.stages.decoder!.weights[0]!.sha256 = await sha256Hex(bytes);
    const { reason, error } = await reasonOf(manifest, files);
    expect(reason).toBe('invalid-weights');
    expect(error.file).toBe('broken.safetensors');
  });

  it('a weight with the wrong shape names the tensor', async () => {
    const files = new Map(random.files);
    const bytes = writeSafetensors({ 'conv_in.weight': new Tensor({ dtype: 'float32', dims: [1] }) });
    files.set('decoder.safetensors', bytes);
    const manifest = edited(() => {});
    manifest.stages.decoder!.weights[0]!.sha256 = await sha256Hex(bytes);
    const { reason, error } = await reasonOf(manifest, files);
    expect(reason).toBe('invalid-weights');
    expect(error.message).toContain('conv_in.weight');
  });

  it('a directory source refuses a symlink out of the model folder and reports missing files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mav-cascade-'));
    const model = join(root, 'model');
    await mkdir(model);
    await writeFile(join(root, 'outside.json'), '{}');
    const { symlink } = await import('node:fs/promises');
    await symlink(join(root, 'outside.json'), join(model, 'link.json'));
    const source = createDirectorySource(model);
    await expect(source.read('link.json')).rejects.toMatchObject({ reason: 'path-escape' });
    await expect(source.read('absent.json')).rejects.toMatchObject({ reason: 'missing-file' });
    for (const [name, bytes] of random.files) await writeFile(join(model, name), bytes);
    await expect(loadCascade({ manifest: random.manifest, files: source })).resolves.toBeDefined();
  });

  it('three schema problems give one error that names all three JSON paths', async () => {
    const manifest = edited((m) => {
      m.stages.decoder.resolution = [32, 32];
      delete m.embeddings;
      m.stages.upscaler = {};
    });
    const { reason, error } = await reasonOf(manifest);
    expect(reason).toBe('schema');
    const lines = error.message.split('\n');
    expect(lines[0]).toContain('3 problems');
    expect(error.message).toContain('stages.decoder.resolution: expected number, got array');
    expect(error.message).toContain('embeddings: expected object, got nothing');
    expect(error.message).toContain('stages.upscaler: unknown stage');
    expect(lines).toHaveLength(4);
  });

  it.each([
    ['a JSON array', '[1, 2]', 'must be a JSON object, got an array'],
    ['no version', '{"format": "mav-cascade-manifest"}', 'has no version'],
    ['a string version', '{"version": "1"}', 'version "1" is not supported'],
  ])('%s is named as such', async (_name, text, message) => {
    const { error } = await reasonOf(text);
    expect(error.message).toContain(message);
  });

  it('an fps default outside its range, and a stage listed as missing that is present', async () => {
    const outside = await reasonOf(
      edited((m) => {
        m.stages.decoder.fps = { default: 40, min: 1, max: 30 };
      }),
    );
    expect(outside.reason).toBe('inconsistent-shapes');
    expect(outside.error.message).toContain('stages.decoder.fps');
    const listed = await reasonOf(
      edited((m) => {
        m.missing = ['decoder'];
      }),
    );
    expect(listed.error.message).toContain("lists 'decoder'");
  });
});
