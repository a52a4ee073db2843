/**
 * Vite config of the web demo. Workspace packages are read from their TypeScript sources (the
 * `@mav/source` export condition), in the page and in the worker. `vite dev` and `vite preview` serve a model
 * folder (manifest.json and the files it names) at `/model/`, where the page looks by default: the trained
 * default model (`@mav/model-default`), or the folder `MAV_MODEL_DIR=<folder>` names.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { modelFolder as defaultModelFolder } from '@mav/model-default/node';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const isolationHeaders = {
  // Cross-origin isolation: SharedArrayBuffer, so onnxruntime-web may use WASM threads.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const contentTypes: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

/** Serves a model folder at `/model/` in `vite dev` and `vite preview`. */
function modelFolder(directory: string | undefined): Plugin {
  const middleware = (
    request: { url?: string },
    response: import('node:http').ServerResponse,
    next: () => void,
  ) => {
    const url = request.url?.split('?')[0] ?? '';
    if (directory === undefined || !url.startsWith('/model/')) return next();
    const root = resolve(directory);
    const file = resolve(root, decodeURIComponent(url.slice('/model/'.length)));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    response.setHeader('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(response);
  };
  return {
    name: 'mav-model-folder',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}

export default defineConfig({
  base: './',
  resolve: { conditions: ['@mav/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  // onnxruntime-web finds its .wasm next to its own module (import.meta.url): keep it out of pre-bundling.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  plugins: [modelFolder(process.env.MAV_MODEL_DIR || defaultModelFolder)],
});
