import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../test/layer-harness.js';
import { sinusoidalFrequencies } from './timestep-embedding.js';
import {
  embeddingTestDims,
  embeddingTestGraph,
  embeddingTestTimesteps,
} from './timestep-embedding-test-graph.js';

const entry = fileURLToPath(new URL('./timestep-embedding.browser.ts', import.meta.url));
const onnxruntimeWebDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));

/** float64 cos/sin of the float32 phase the graph forms (fl(t · ω_i), both float32). */
function referenceEmbedding(timesteps: Float32Array, dim: number): Float64Array {
  const frequencies = sinusoidalFrequencies(dim);
  const half = dim / 2;
  const out = new Float64Array(timesteps.length * dim);
  timesteps.forEach((timestep, row) => {
    for (let index = 0; index < half; index++) {
      const phase = Math.fround(timestep * frequencies[index]!);
      out[row * dim + index] = Math.cos(phase);
      out[row * dim + half + index] = Math.sin(phase);
    }
  });
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}

async function runOnNode(): Promise<Record<string, Float32Array>> {
  const session = await (await nodeBackend()).createSession(embeddingTestGraph());
  try {
    const timesteps = embeddingTestTimesteps();
    const outputs = await session.run({
      timestep: new Tensor({ dtype: 'float32', dims: [timesteps.length], data: timesteps }),
    });
    return Object.fromEntries(
      Object.entries(outputs).map(([name, tensor]) => [name, tensor.data as Float32Array]),
    );
  } finally {
    await session.release();
  }
}

describe('sinusoidalEmbedding for timesteps 0…999', () => {
  it('matches float64 cos/sin of the float32 phases on onnxruntime-node CPU', async () => {
    const outputs = await runOnNode();
    for (const dim of embeddingTestDims) {
      const error = maxAbsDiff(
        outputs[`embedding_${dim}`]!,
        referenceEmbedding(embeddingTestTimesteps(), dim),
      );
      console.log(`[embedding] node cpu dim ${dim}: max |error| vs float64 ${error.toExponential(2)}`);
      expect(error).toBeLessThanOrEqual(1e-6);
    }
  });

  for (const executionProvider of ['wasm', 'webgpu'] as const) {
    it(`matches the float64 reference on onnxruntime-web ${executionProvider} in headless Chromium`, async () => {
      const { value } = await runInBrowser<Record<string, number[]>>({
        entry,
        args: { executionProvider, wasmPaths: '/ort/' },
        webgpu: executionProvider === 'webgpu',
        staticDirs: { '/ort/': onnxruntimeWebDist },
        timeoutMs: 120_000,
      });
      for (const dim of embeddingTestDims) {
        const error = maxAbsDiff(
          value[`embedding_${dim}`]!,
          referenceEmbedding(embeddingTestTimesteps(), dim),
        );
        console.log(
          `[embedding] ${executionProvider} dim ${dim}: max |error| vs float64 ${error.toExponential(2)}`,
        );
        expect(error).toBeLessThanOrEqual(1e-6);
      }
    }, 180_000);
  }
});
