import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { buildUNet, readSafetensors, type UNetConfig, unetParameterCount } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runTrainCommand, temporaryFolder } from './python.js';

interface FixtureEntry {
  name: string;
  kind: string;
  config: UNetConfig;
  shape: { batch: number; numFrames: number; height: number; width: number };
  inputs: string[];
}

let folder = '';
let index: FixtureEntry[] = [];

beforeAll(() => {
  requireTorch();
  folder = temporaryFolder('mav-train-parity-');
  runTrainCommand(['fixtures', '--out', folder]);
  index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as FixtureEntry[];
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function load(file: string): Record<string, Tensor> {
  // A plain Uint8Array, not the Buffer: readSafetensors copies with `bytes.slice()`, which for a pooled Node
  // Buffer (files under 4 KiB) is a view into the pool, not a copy.
  return readSafetensors(new Uint8Array(readFileSync(join(folder, file))), { fileName: file }).tensors;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const unetNames = [
  'decoder-tiny',
  'decoder-video-tiny',
  'decoder-video-tiny-adagn',
  'interpolation-tiny',
  'sr-low-video-tiny',
  'sr-high-tiny',
  'decoder',
  'decoder-video',
  'interpolation',
  'sr-low-video',
  'sr-high',
];

describe('PyTorch UNets equal the @mav/p3d-layers graphs on onnxruntime-node', () => {
  it('writes a fixture for every stage network', () => {
    expect(index.filter((entry) => entry.kind === 'unet').map((entry) => entry.name)).toEqual(unetNames);
  });

  for (const name of unetNames) {
    it(`${name}: same parameters by name and shape, outputs within 1e-4`, async () => {
      const entry = index.find((candidate) => candidate.name === name)!;
      const weights = load(`${name}.weights.safetensors`);
      const io = load(`${name}.io.safetensors`);
      // every PyTorch parameter is one the TypeScript declaration expects (buildUNet checks names and shapes)
      const parameterCount = Object.values(weights).reduce(
        (sum, tensor) => sum + tensor.dims.reduce((product, dim) => product * dim, 1),
        0,
      );
      expect(parameterCount).toBe(unetParameterCount(entry.config));
      const built = buildUNet({ config: entry.config, weights, weightsFileName: name, ...entry.shape });
      const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
      await backend.init();
      const session = await backend.createSession(built.modelBytes);
      try {
        const feeds = Object.fromEntries(entry.inputs.map((input) => [input, io[input]!]));
        const { model_output: output } = await session.run(feeds);
        const expected = io.model_output!;
        expect(output!.dims).toEqual(expected.dims);
        const difference = maxAbsDifference(output!.data as Float32Array, expected.data as Float32Array);
        // a broken layer gives differences of order 1; float32 reordering stays far below 1e-4
        expect(difference).toBeLessThanOrEqual(1e-4);
        const scale = maxAbsDifference(expected.data as Float32Array, new Float32Array(expected.data.length));
        expect(scale).toBeGreaterThan(0.1);
      } finally {
        await session.release();
      }
    });
  }
});
