import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { buildTransformer, readSafetensors, type TransformerNetwork } from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runTrainCommand, temporaryFolder } from './python.js';

interface FixtureEntry {
  name: string;
  kind: TransformerNetwork['kind'];
  config: TransformerNetwork['config'];
  inputs: string[];
}

let folder = '';
let index: FixtureEntry[] = [];

beforeAll(() => {
  requireTorch();
  folder = temporaryFolder('mav-train-transformer-');
  runTrainCommand(['fixtures', '--out', folder]);
  index = JSON.parse(readFileSync(join(folder, 'index.json'), 'utf8')) as FixtureEntry[];
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function load(file: string): Record<string, Tensor> {
  // a plain Uint8Array: readSafetensors' `bytes.slice()` is a view, not a copy, on a pooled Node Buffer
  return readSafetensors(new Uint8Array(readFileSync(join(folder, file))), { fileName: file }).tensors;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** `[b n]` int64 ids -> `[b n V]` float32 one-hot rows, the text encoder graph's input. */
function oneHot(ids: Tensor, vocabSize: number): Tensor {
  const values = ids.data as BigInt64Array;
  const data = new Float32Array(values.length * vocabSize);
  values.forEach((id, position) => {
    data[position * vocabSize + Number(id)] = 1;
  });
  return new Tensor({ dtype: 'float32', dims: [...ids.dims, vocabSize], data });
}

const names = [
  'text-encoder-tiny',
  'image-encoder-tiny',
  'prior-tiny',
  'text-encoder-default',
  'image-encoder-default',
  'prior-default',
];
const outputs: Record<FixtureEntry['kind'], string[]> = {
  textEncoder: ['text_embeds', 'last_hidden_state'],
  imageEncoder: ['image_embeds'],
  prior: ['model_output'],
};

describe('PyTorch CLIP towers and prior equal buildTransformer on onnxruntime-node', () => {
  for (const name of names) {
    it(`${name}: outputs within 1e-4`, async () => {
      const entry = index.find((candidate) => candidate.name === name)!;
      expect(entry).toBeDefined();
      const network = { kind: entry.kind, config: entry.config } as TransformerNetwork;
      const io = load(`${name}.io.safetensors`);
      const first = io[entry.inputs[0]!]!;
      const built = buildTransformer({
        network,
        weights: load(`${name}.weights.safetensors`),
        weightsFileName: name,
        batch: first.dims[0]!,
      });
      const feeds: Record<string, Tensor> =
        entry.kind === 'textEncoder'
          ? { input_one_hot: oneHot(first, (entry.config as { vocabSize: number }).vocabSize) }
          : Object.fromEntries(entry.inputs.map((input) => [input, io[input]!]));
      const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
      await backend.init();
      const session = await backend.createSession(built.modelBytes);
      try {
        const results = await session.run(feeds);
        for (const output of outputs[entry.kind]) {
          const expected = io[output]!;
          expect(results[output]!.dims).toEqual(expected.dims);
          const difference = maxAbsDifference(
            results[output]!.data as Float32Array,
            expected.data as Float32Array,
          );
          expect(difference, output).toBeLessThanOrEqual(1e-4);
        }
      } finally {
        await session.release();
      }
    });
  }
});
