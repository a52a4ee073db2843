import { createOnnxruntimeWebBackend, type WebExecutionProvider } from '@mav/backend-onnxruntime-web';
import type { RandomCascadeOptions } from './testing/random-cascade.js';
import { type ParityCaseOptions, type ParityRun, runParityCase } from './testing-parity-run.js';

/**
 * Runs in headless Chromium: the parity case of `cascade-browser.test.ts` on onnxruntime-web (WASM or
 * WebGPU). The random cascade is rebuilt in the page from the same seed and preset; the model hashes it
 * returns prove it is byte for byte the one Node ran.
 */
export default async function runCascadeInBrowser(args: {
  executionProvider: WebExecutionProvider;
  wasmPaths: string;
  cascade: RandomCascadeOptions;
  textToVideo: ParityCaseOptions['textToVideo'];
}): Promise<ParityRun> {
  const backend = createOnnxruntimeWebBackend({
    executionProvider: args.executionProvider,
    wasmPaths: args.wasmPaths,
  });
  await backend.init();
  return runParityCase({ cascade: args.cascade, backend, textToVideo: args.textToVideo });
}
