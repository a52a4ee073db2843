import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** The directory holding onnxruntime-web's `.wasm`/`.mjs` files, served to test pages under `/ort/`. */
export function onnxruntimeWebDist(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-web'));
}
