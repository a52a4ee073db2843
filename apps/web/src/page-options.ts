/**
 * Settings the page takes from its URL, so one build serves any model folder:
 * `?model=<url>` (default `./model/`, or `random:tiny` for random weights), `?ort=<url>` (where
 * onnxruntime-web's .wasm/.mjs files are, default: next to the bundle), `?backend=webgpu|wasm`,
 * `?steps=<n>`, `?frames=<n>`.
 */
import type { WebBackendName } from './protocol.js';

/** The page's settings. */
export interface PageOptions {
  readonly modelUrl: string;
  /** True when no `?model=` was given: a missing default folder falls back to random weights. */
  readonly defaultModel: boolean;
  readonly wasmPaths?: string;
  readonly backend?: WebBackendName;
  readonly steps?: number;
  readonly numFrames?: number;
}

function positiveInteger(text: string | null): number | undefined {
  if (text === null || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}

/** Reads the settings from a query string (`location.search`). */
export function pageOptionsFrom(search: string): PageOptions {
  const parameters = new URLSearchParams(search);
  const backend = parameters.get('backend');
  const wasmPaths = parameters.get('ort');
  const steps = positiveInteger(parameters.get('steps'));
  const numFrames = positiveInteger(parameters.get('frames'));
  return {
    modelUrl: parameters.get('model') || './model/',
    defaultModel: !parameters.get('model'),
    ...(wasmPaths ? { wasmPaths } : {}),
    ...(backend === 'webgpu' || backend === 'wasm' ? { backend } : {}),
    ...(steps === undefined ? {} : { steps }),
    ...(numFrames === undefined ? {} : { numFrames }),
  };
}
