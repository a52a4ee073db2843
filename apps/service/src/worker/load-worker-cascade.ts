/**
 * Loads the cascade a worker holds for its whole life: onnxruntime-node (CUDA when its provider is
 * installed, else the CPU), sessions kept between jobs so that every job after the first runs warm.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { type Cascade, createMemorySource } from '@mav/cascade';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import type { ModelSelection } from './model-selection.js';

/** Seed of the random-weight stand-in model's weights (the CLI's: the same model in both apps). */
export const randomModelSeed = 1;

/** A loaded cascade, and what it runs on. */
export interface WorkerCascade {
  readonly cascade: Cascade;
  /** e.g. `onnxruntime-node (cpu)`. */
  readonly backendDescription: string;
}

/** Loads `selection` onto onnxruntime-node with `threads` CPU threads (default: the runtime's). */
export async function loadWorkerCascade(options: {
  readonly selection: ModelSelection;
  readonly executionProvider?: 'auto' | 'cpu' | 'cuda';
  readonly threads?: number | undefined;
  readonly signal?: AbortSignal;
}): Promise<WorkerCascade> {
  const provider = options.executionProvider ?? 'auto';
  const backend = createOnnxruntimeNodeBackend({
    executionProvider: provider === 'cpu' ? 'cpu' : 'cuda',
    allowCpuFallback: provider === 'auto',
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
  await backend.init();
  const backendDescription = `onnxruntime-node (${backend.executionProvider})`;
  const common = { backends: { default: backend }, keepSessions: true, signal: options.signal };
  const { selection } = options;
  if (selection.kind === 'random') {
    const { createRandomCascade } = await import('@mav/cascade/testing');
    const { manifest, files } = await createRandomCascade({
      seed: randomModelSeed,
      preset: selection.preset,
    });
    const cascade = await loadCascade({ ...common, manifest, files: createMemorySource(files) });
    return { cascade, backendDescription };
  }
  const manifest = await readFile(join(selection.directory, selection.manifestName), 'utf8');
  const cascade = await loadCascade({
    ...common,
    manifest,
    files: createDirectorySource(selection.directory),
  });
  return { cascade, backendDescription };
}
