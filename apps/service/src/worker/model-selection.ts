/**
 * Which model a worker loads — the CLI's rule: the `--model` option, else `MAV_MODEL`, else the embedded
 * default model (the `@mav/model-default` package, `models/default/`) when its manifest exists, else the
 * random-weight tiny cascade (with a notice, because its videos are noise-like).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { manifestPath } from '@mav/model-default/node';
import { ServiceConfigError } from '../service-config-error.js';

/** Where the embedded default model lives, relative to the repository root. */
export const defaultModelRelativePath = 'models/default/manifest.json';

/** A model folder, or the random-weight test cascade. */
export type ModelSelection =
  | { readonly kind: 'directory'; readonly directory: string; readonly manifestName: string }
  | { readonly kind: 'random'; readonly preset: 'tiny' | 'small'; readonly fallback: boolean };

/** The notice for the random-weight stand-in (the app prints it; this module never does). */
export const randomWeightsNotice = `no trained default model is installed (${defaultModelRelativePath}); using the random-weight tiny cascade, so the videos are noise-like.`;

/** The embedded default model's manifest path, whether or not it exists. */
export function defaultManifestPath(): string {
  return manifestPath;
}

/** Picks the model; `ServiceConfigError` when a named model is not there. */
export function selectModel(options: {
  readonly model?: string | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Overrides {@link defaultManifestPath} (tests). */
  readonly defaultManifest?: string;
}): ModelSelection {
  const fromEnvironment = options.env.MAV_MODEL === '' ? undefined : options.env.MAV_MODEL;
  const given = options.model ?? fromEnvironment;
  if (given === undefined) {
    const manifest = options.defaultManifest ?? defaultManifestPath();
    if (existsSync(manifest)) return fromPath(manifest);
    return { kind: 'random', preset: 'tiny', fallback: true };
  }
  const random = /^random(?::(tiny|small))?$/.exec(given);
  if (random) return { kind: 'random', preset: (random[1] as 'tiny' | 'small') ?? 'tiny', fallback: false };
  return fromPath(resolve(options.cwd, given));
}

function fromPath(path: string): ModelSelection {
  const info = statSync(path, { throwIfNoEntry: false });
  if (info === undefined) {
    throw new ServiceConfigError(
      `no model at ${path}: give a directory holding manifest.json, or a manifest.`,
    );
  }
  if (info.isDirectory()) {
    if (!existsSync(join(path, 'manifest.json'))) {
      throw new ServiceConfigError(`no manifest.json in the model directory ${path}.`);
    }
    return { kind: 'directory', directory: path, manifestName: 'manifest.json' };
  }
  return { kind: 'directory', directory: dirname(path), manifestName: basename(path) };
}

/** `random weights (tiny)` or the model folder, for the start-up line. */
export function describeModel(selection: ModelSelection): string {
  return selection.kind === 'random' ? `random weights (${selection.preset})` : selection.directory;
}
