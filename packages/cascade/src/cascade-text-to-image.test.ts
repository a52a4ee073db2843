import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cascade } from './cascade.js';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import type { ModelManifest } from './manifest/manifest-schema.js';
import type { StageTensorEvent } from './stages/stage-context.js';
import { createRandomCascade, type RandomCascade } from './testing/random-cascade.js';

const node = createOnnxruntimeNodeBackend({ threads: 2 });
let random: RandomCascade;
let cascade: Cascade;

async function load(edit: (manifest: ModelManifest) => void = () => {}): Promise<Cascade> {
  const manifest = structuredClone(random.manifest);
  edit(manifest);
  return loadCascade({
    manifest: JSON.stringify(manifest),
    files: createMemorySource(random.files),
    backends: { default: node },
  });
}

function norms(event: StageTensorEvent): number[] {
  const [rows, dim] = event.tensor.dims as [number, number];
  return Array.from({ length: rows }, (_, row) =>
    Math.hypot(...event.tensor.data.subarray(row * dim, (row + 1) * dim)),
  );
}

beforeAll(async () => {
  random = await createRandomCascade({ seed: 5, preset: 'tiny' });
  cascade = await load();
});

afterAll(async () => {
  await cascade.dispose();
});

describe('textToImage: the text-to-image model (C_x, P, D)', () => {
  it('gives [1 3 r r] at the image decoder size, and through SR_l and SR_h when asked', async () => {
    const base = random.manifest.stages.imageDecoder!.resolution;
    const plain = await cascade.textToImage({ prompt: 'a red circle', seed: 1 });
    expect(plain.image.dims).toEqual([1, 3, base, base]);
    expect(plain.stages).toEqual(['textEncoder', 'prior', 'imageDecoder']);
    const upscaled = await cascade.textToImage({ prompt: 'a red circle', seed: 1, superResolution: true });
    const high = random.manifest.stages.superResolutionHigh!.resolution;
    expect(upscaled.image.dims).toEqual([1, 3, high, high]);
    expect(upscaled.stages).toEqual([
      'textEncoder',
      'prior',
      'imageDecoder',
      'superResolutionLow',
      'superResolutionHigh',
    ]);
    for (const value of upscaled.image.data) expect(Math.abs(value)).toBeLessThanOrEqual(1);
  });

  it('is reproducible by seed and differs between seeds', async () => {
    const first = await cascade.textToImage({ prompt: 'a blue star', seed: 7 });
    const again = await cascade.textToImage({ prompt: 'a blue star', seed: 7 });
    const other = await cascade.textToImage({ prompt: 'a blue star', seed: 8 });
    expect(again.image.data).toEqual(first.image.data);
    expect(other.image.data).not.toEqual(first.image.data);
  });

  it('passes embeddings between stages at the length the manifest says (√D · x/‖x‖)', async () => {
    const events: StageTensorEvent[] = [];
    await cascade.textToImage({ prompt: 'a green square', seed: 2, onTensor: (event) => events.push(event) });
    const scale = random.manifest.embeddings.scale;
    const text = events.find((event) => event.stage === 'textEncoder' && event.name === 'embedding')!;
    const prior = events.find((event) => event.stage === 'prior' && event.name === 'output')!;
    for (const norm of [...norms(text), ...norms(prior)]) expect(norm).toBeCloseTo(scale, 4);
    expect(events.map((event) => `${event.stage}.${event.name}`)).toEqual([
      'textEncoder.embedding',
      'textEncoder.tokens',
      'prior.initialNoise',
      'prior.output',
      'imageDecoder.initialNoise',
      'imageDecoder.output',
    ]);
  });

  it("with normalize 'none' the embeddings are only scaled, and the image changes", async () => {
    const unnormalized = await load((manifest) => {
      manifest.embeddings = { normalize: 'none', scale: 1 };
    });
    try {
      const events: StageTensorEvent[] = [];
      const result = await unnormalized.textToImage({
        prompt: 'a green square',
        seed: 2,
        onTensor: (event) => events.push(event),
      });
      const text = events.find((event) => event.stage === 'textEncoder' && event.name === 'embedding')!;
      expect(norms(text)[0]).not.toBeCloseTo(random.manifest.embeddings.scale, 2);
      const normalized = await cascade.textToImage({ prompt: 'a green square', seed: 2 });
      expect(result.image.data).not.toEqual(normalized.image.data);
    } finally {
      await unnormalized.dispose();
    }
  });
});

describe('a model with stages missing', () => {
  it('runs what it has and names what it lacks', async () => {
    const partial = await load((manifest) => {
      delete manifest.stages.decoder;
      delete manifest.stages.interpolation;
      manifest.missing = ['decoder', 'interpolation'];
    });
    try {
      const image = await partial.textToImage({ prompt: 'a red circle', seed: 1 });
      expect(image.image.dims[0]).toBe(1);
      await expect(partial.textToVideo({ prompt: 'a red circle' })).rejects.toThrow(
        /no decoder stage \(the manifest lists it as not trained yet\)/,
      );
    } finally {
      await partial.dispose();
    }
  });

  it('refuses an fps outside the range the decoder was trained on, naming the range', async () => {
    const { min, max } = random.manifest.stages.decoder!.fps;
    await expect(cascade.textToVideo({ prompt: 'a red circle', fps: max + 1 })).rejects.toThrow(
      new RegExp(`fps must be a number in \\[${min}, ${max}\\]`),
    );
  });
});
