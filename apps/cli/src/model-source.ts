/**
 * `--model`: where the cascade's manifest and weights come from.
 *
 * - a directory holding `manifest.json`, or the path of a manifest file (its directory holds the files);
 * - `random:tiny` / `random:small`: the random-weight test cascade of `@mav/cascade/testing`;
 * - nothing: `MAV_MODEL` when set, else the embedded default model (the `@mav/model-default` package,
 *   `models/default/` of the repository) when its manifest exists, else `random:tiny` with a notice that
 *   the weights are random.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { manifestPath } from '@mav/model-default/node';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';

/** Where the embedded default model lives, relative to the repository root. */
export const defaultModelRelativePath = 'models/default/manifest.json';

/** A model on disk, or the random-weight test cascade. */
export type ModelSelection =
  | {
      readonly kind: 'directory';
      /** Directory that holds the manifest and the files it names. */
      readonly directory: string;
      /** File name of the manifest inside `directory`. */
      readonly manifestName: string;
      /** How it was chosen, for messages. */
      readonly origin: 'option' | 'environment' | 'default';
    }
  | { readonly kind: 'random'; readonly preset: 'tiny' | 'small'; readonly origin: 'option' | 'fallback' };

/** The embedded default model's manifest path (whether or not it exists). */
export function defaultModelManifestPath(): string {
  return manifestPath;
}

/** The notice printed when the random-weight cascade stands in for the trained default model. */
export const randomWeightsNotice = `mav: note: no trained default model is installed (${defaultModelRelativePath}); using the random-weight tiny cascade, so the video is noise-like.`;

/** The notice printed when the default model has not trained a stage the command needs yet. */
export function untrainedStageNotice(stage: string): string {
  return `mav: note: the default model (${defaultModelRelativePath}) has not trained its ${stage} stage yet; using the random-weight tiny cascade, so the result is noise-like.`;
}

function fromPath(path: string, origin: 'option' | 'environment' | 'default'): ModelSelection {
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(path);
  } catch {
    throw new CliError(
      exitCodes.model,
      `no model at ${path}: give a directory holding manifest.json, or a manifest file.`,
    );
  }
  if (info.isDirectory()) {
    if (!existsSync(resolve(path, 'manifest.json'))) {
      throw new CliError(exitCodes.model, `no manifest.json in the model directory ${path}.`);
    }
    return { kind: 'directory', directory: path, manifestName: 'manifest.json', origin };
  }
  return { kind: 'directory', directory: dirname(path), manifestName: basename(path), origin };
}

/** Picks the model from `--model`, `MAV_MODEL`, the embedded default, or the random fallback. */
export function resolveModel(options: {
  readonly model?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Overrides {@link defaultModelManifestPath} (tests). */
  readonly defaultManifestPath?: string;
}): ModelSelection {
  const fromEnvironment = options.env.MAV_MODEL;
  const given = options.model ?? (fromEnvironment === '' ? undefined : fromEnvironment);
  const origin = options.model !== undefined ? 'option' : 'environment';
  if (given !== undefined) {
    const random = /^random(?::(tiny|small))?$/.exec(given);
    if (!random && given.startsWith('random:') && !existsSync(resolve(options.cwd, given))) {
      throw new CliError(
        exitCodes.model,
        `unknown random model '${given}'; use random:tiny or random:small.`,
      );
    }
    if (random)
      return {
        kind: 'random',
        preset: (random[1] as 'tiny' | 'small' | undefined) ?? 'tiny',
        origin: 'option',
      };
    return fromPath(resolve(options.cwd, given), origin);
  }
  const defaultManifest = options.defaultManifestPath ?? defaultModelManifestPath();
  if (existsSync(defaultManifest)) return fromPath(defaultManifest, 'default');
  return { kind: 'random', preset: 'tiny', origin: 'fallback' };
}
