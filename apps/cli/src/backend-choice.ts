/**
 * `--backend`: which runtime runs the cascade. `auto` uses onnxruntime-node with CUDA when its execution
 * provider is installed and the CPU otherwise; `cpu` and `cuda` force one (`cuda` fails with exit status
 * 4 when it is missing); `wasm` runs onnxruntime-web's WASM build inside Node (slower; useful to compare
 * with the browser).
 */
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { createOnnxruntimeWebBackend } from '@mav/backend-onnxruntime-web';
import type { Backend } from '@mav/tensor';

/** The values `--backend` accepts. */
export const backendChoices = ['auto', 'cpu', 'cuda', 'wasm'] as const;

/** One of {@link backendChoices}. */
export type BackendChoice = (typeof backendChoices)[number];

/** A backend, initialised, with a line that says what it runs on. */
export interface ChosenBackend {
  readonly backend: Backend;
  /** e.g. `onnxruntime-node (cpu)`, or `onnxruntime-node (cpu; CUDA unavailable: ...)` after a fallback. */
  readonly description: string;
}

/**
 * Creates and initialises the backend for `choice`, so that a missing runtime or provider is reported
 * before any model file is read. Throws `BackendUnavailableError` (exit status 4) when it cannot run.
 */
export async function chooseBackend(options: {
  readonly choice: BackendChoice;
  readonly threads?: number;
}): Promise<ChosenBackend> {
  const { choice, threads } = options;
  if (choice === 'wasm') {
    const backend = createOnnxruntimeWebBackend({
      executionProvider: 'wasm',
      ...(threads ? { threads } : {}),
    });
    await backend.init();
    return { backend, description: 'onnxruntime-web (wasm)' };
  }
  const backend = createOnnxruntimeNodeBackend({
    executionProvider: choice === 'cpu' ? 'cpu' : 'cuda',
    allowCpuFallback: choice === 'auto',
    ...(threads ? { threads } : {}),
  });
  await backend.init();
  const fallback =
    choice === 'auto' && backend.fallbackReason !== undefined ? '; no CUDA provider installed' : '';
  return { backend, description: `onnxruntime-node (${backend.executionProvider}${fallback})` };
}
