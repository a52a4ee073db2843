import { createOnnxruntimeWebBackend, type WebExecutionProvider } from '@mav/backend-onnxruntime-web';
import { runConformanceSuite } from '@mav/tensor/testing';

/** Runs the backend conformance kit on onnxruntime-web inside the page. */
export default async function runKit(args: { executionProvider: WebExecutionProvider; wasmPaths: string }) {
  const backend = createOnnxruntimeWebBackend({
    executionProvider: args.executionProvider,
    wasmPaths: args.wasmPaths,
  });
  return runConformanceSuite({ backend });
}
