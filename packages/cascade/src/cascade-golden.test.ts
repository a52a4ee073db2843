import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { RandomStream, Tensor } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cascade } from './cascade.js';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade } from './testing/random-cascade.js';

// Golden runs of the tiny random cascade: a refactoring of the cascade must leave every value of every mode
// unchanged. The exact SHA-256 of the float32 bytes is checked with MAV_GOLDEN=exact (the same machine as the
// recording: onnxruntime's kernels may round differently on another CPU); MAV_GOLDEN=record rewrites cascade-golden.json; every run checks a fingerprint (sum,
// sum of squares and 16 sampled values) to 1e-5. A change of the numbers on purpose (a new seed plan, a
// scheduler fix) updates both in its own commit, saying why.

type Golden = { sha256: string; fingerprint: Fingerprint };
const goldenFile = fileURLToPath(new URL('./cascade-golden.json', import.meta.url));
const recording = process.env.MAV_GOLDEN === 'record';
const golden: Record<string, Golden> = recording ? {} : JSON.parse(readFileSync(goldenFile, 'utf8'));

interface Fingerprint {
  sum: number;
  squares: number;
  samples: number[];
}

function fingerprint(tensors: Tensor<'float32'>[]): Fingerprint {
  const values = tensors.flatMap((tensor) => [...tensor.data]);
  const samples = Array.from({ length: 16 }, (_, index) => values[Math.floor((index * values.length) / 16)]!);
  return {
    sum: values.reduce((a, b) => a + b, 0),
    squares: values.reduce((a, b) => a + b * b, 0),
    samples,
  };
}

function expectGolden(tensors: Tensor<'float32'>[], name: string) {
  if (recording) {
    golden[name] = { sha256: hash(tensors), fingerprint: fingerprint(tensors) };
    return;
  }
  const expected = golden[name]!;
  if (process.env.MAV_GOLDEN === 'exact') expect(hash(tensors)).toBe(expected.sha256);
  const actual = fingerprint(tensors);
  const scale = Math.max(1, Math.abs(expected.fingerprint.squares));
  expect(Math.abs(actual.sum - expected.fingerprint.sum)).toBeLessThan(1e-5 * scale);
  expect(Math.abs(actual.squares - expected.fingerprint.squares)).toBeLessThan(1e-5 * scale);
  actual.samples.forEach((value, index) => {
    expect(Math.abs(value - expected.fingerprint.samples[index]!)).toBeLessThan(1e-5);
  });
}

function hash(tensors: Tensor<'float32'>[]): string {
  const digest = createHash('sha256');
  for (const tensor of tensors)
    digest.update(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  return digest.digest('hex');
}

let cascade: Cascade;
beforeAll(async () => {
  const random = await createRandomCascade({ seed: 11, preset: 'tiny' });
  cascade = await loadCascade({
    manifest: JSON.stringify(random.manifest),
    files: createMemorySource(random.files),
    backends: { default: createOnnxruntimeNodeBackend({ threads: 1 }) },
  });
});
afterAll(async () => {
  await cascade.dispose();
  if (recording) writeFileSync(goldenFile, `${JSON.stringify(golden, null, 2)}\n`);
});

describe('golden runs of the tiny random cascade', () => {
  it('textToVideo', async () => {
    const { video } = await cascade.textToVideo({ prompt: 'a red circle moving left', seed: 5 });
    expectGolden([video], 'textToVideo');
  });

  it('variations', async () => {
    const results = await cascade.variations({
      prompt: 'a blue star',
      seed: 2,
      count: 2,
      stopAfter: 'interpolation',
    });
    expectGolden(
      results.map((result) => result.video),
      'variations',
    );
  });

  it('animateImage', async () => {
    const data = new RandomStream({ seed: 4, stream: 9 }).uniform(3 * 8 * 8).map((value) => 2 * value - 1);
    const image = new Tensor({ dtype: 'float32', dims: [1, 3, 8, 8], data });
    const { video } = await cascade.animateImage({ image, seed: 3, stopAfter: 'superResolutionLow' });
    expectGolden([video], 'animateImage');
  });

  it('textToImage', async () => {
    const { image } = await cascade.textToImage({ prompt: 'a green square', seed: 9, superResolution: true });
    expectGolden([image], 'textToImage');
  });
});
