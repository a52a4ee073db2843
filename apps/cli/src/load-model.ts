/**
 * Loads the cascade for a model selection: a model folder through `@mav/cascade/node` (its memory limit
 * defaults to 70% of the machine's memory), or the random-weight test cascade built in memory.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createMemorySource } from '@mav/cascade';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import type { ModelLoader } from './cli-context.js';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';

/** Seed of the random-weight stand-in model's weights (fixed, so its output is reproducible). */
export const randomModelSeed = 1;

/** Loads a model directory, or the random-weight test cascade, onto the chosen backend. */
export const loadModel: ModelLoader = async ({ selection, backend, signal }) => {
  if (selection.kind === 'random') {
    const { createRandomCascade } = await import('@mav/cascade/testing');
    const { manifest, files } = await createRandomCascade({
      seed: randomModelSeed,
      preset: selection.preset,
    });
    return loadCascade({
      manifest,
      files: createMemorySource(files),
      backends: { default: backend },
      signal,
    });
  }
  const manifestPath = join(selection.directory, selection.manifestName);
  let manifest: string;
  try {
    manifest = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new CliError(
      exitCodes.model,
      `cannot read the manifest ${manifestPath}: ${(error as Error).message}`,
    );
  }
  return loadCascade({
    manifest,
    files: createDirectorySource(selection.directory),
    backends: { default: backend },
    signal,
  });
};
