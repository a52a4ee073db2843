import { createOnnxruntimeWebBackend, type WebExecutionProvider } from '@mav/backend-onnxruntime-web';
import { Tensor } from '@mav/tensor';
import { embeddingTestGraph, embeddingTestTimesteps } from './timestep-embedding-test-graph.js';

/**
 * Runs in headless Chromium: the sinusoidal-embedding graph of `timestep-embedding.test.ts` (built in the
 * page by the same code) on onnxruntime-web, for timesteps 0…999; returns every output.
 */
export default async function runEmbeddingInBrowser(args: {
  executionProvider: WebExecutionProvider;
  wasmPaths: string;
}): Promise<Record<string, number[]>> {
  const backend = createOnnxruntimeWebBackend({
    executionProvider: args.executionProvider,
    wasmPaths: args.wasmPaths,
  });
  await backend.init();
  const session = await backend.createSession(embeddingTestGraph());
  try {
    const timesteps = embeddingTestTimesteps();
    const outputs = await session.run({
      timestep: new Tensor({ dtype: 'float32', dims: [timesteps.length], data: timesteps }),
    });
    const result: Record<string, number[]> = {};
    for (const [name, tensor] of Object.entries(outputs))
      result[name] = Array.from(tensor.data as Float32Array);
    return result;
  } finally {
    await session.release();
  }
}
