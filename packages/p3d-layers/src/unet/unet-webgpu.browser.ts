import { createOnnxruntimeWebBackend, type WebExecutionProvider } from '@mav/backend-onnxruntime-web';
import { RandomStream, Tensor } from '@mav/tensor';
import { buildUNet } from './build-unet.js';
import { smallVideoUNetConfig } from './unet-presets.js';

/**
 * Runs in headless Chromium: builds the ~2M-parameter pseudo-3D UNet in the page (same code, same seeded
 * weights as in Node), runs one forward pass on onnxruntime-web and returns the output and the model's hash.
 */
export default async function runUNetInBrowser(args: {
  executionProvider: WebExecutionProvider;
  wasmPaths: string;
}) {
  const built = buildUNet({ config: smallVideoUNetConfig });
  const digest = await crypto.subtle.digest('SHA-256', built.modelBytes.slice().buffer);
  const backend = createOnnxruntimeWebBackend({
    executionProvider: args.executionProvider,
    wasmPaths: args.wasmPaths,
  });
  await backend.init();
  const session = await backend.createSession(built.modelBytes);
  const feeds = {
    sample: new Tensor({
      dtype: 'float32',
      dims: [1, 3, 16, 32, 32],
      data: new RandomStream({ seed: 11, stream: 1 }).normal(3 * 16 * 32 * 32),
    }),
    timestep: new Tensor({ dtype: 'float32', dims: [1], data: [500] }),
    fps: new Tensor({ dtype: 'float32', dims: [1], data: [4] }),
    conditioning_vector: new Tensor({
      dtype: 'float32',
      dims: [1, 64],
      data: new RandomStream({ seed: 11, stream: 2 }).normal(64),
    }),
  };
  const started = performance.now();
  const output = (await session.run(feeds)).model_output!;
  const runMs = performance.now() - started;
  await session.release();
  return {
    modelHash: Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join(''),
    output: Array.from(output.data as Float32Array),
    runMs,
  };
}
