/**
 * The random tiny cascade (the CLI's `random:tiny`, same seed) written as a model folder for `--model`,
 * optionally with its manifest or files changed, to make broken models from a working one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRandomCascade } from '@mav/cascade/testing';
import { randomModelSeed } from '../src/load-model.js';

/** A manifest as plain JSON, for changing fields the schema may then refuse. */
export type EditableManifest = Record<string, unknown> & { stages: Record<string, Record<string, unknown>> };

/**
 * Writes the model to `folder` (`manifest.json` and the weight files). `manifest` may change the manifest in
 * place or return a replacement; `files` runs afterwards on the folder.
 */
export async function writeModelFolder(
  folder: string,
  options: {
    readonly manifest?: (manifest: EditableManifest) => unknown;
    readonly files?: (folder: string) => void;
  } = {},
): Promise<void> {
  const model = await createRandomCascade({ seed: randomModelSeed, preset: 'tiny' });
  for (const [file, bytes] of model.files) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), bytes);
  }
  const manifest = structuredClone(model.manifest) as unknown as EditableManifest;
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(options.manifest?.(manifest) ?? manifest));
  options.files?.(folder);
}
