import { Cascade } from './cascade.js';
import { ManifestError } from './errors.js';
import { loadModelFiles } from './files/load-model-files.js';
import type { ModelFileSource } from './files/model-file-source.js';
import type { ModelManifest } from './manifest/manifest-schema.js';
import { parseManifest } from './manifest/parse-manifest.js';
import { type StageBackends, StageRuntime } from './stage-runtime.js';
import { PromptTokenizer } from './tokenizer/prompt-tokenizer.js';

/** Options of `loadCascade`. */
export interface LoadCascadeOptions {
  /** The manifest, parsed or as JSON text. */
  manifest: ModelManifest | string;
  /** Resolves the manifest's file names: `createDirectorySource(dir)` (Node) or `createUrlSource(base)`. */
  files: ModelFileSource;
  /** Backends by stage (`default` for the rest); objects or registered names. Default: the registry's best. */
  backends?: StageBackends;
  /** Keep every session open after its stage (faster repeated runs, more memory). Default false. */
  keepSessions?: boolean;
  /**
   * Refuse a run whose memory estimate exceeds this (`InsufficientMemoryError`). Default: no limit here;
   * `@mav/cascade/node`'s `loadCascade` defaults it to 70% of `os.totalmem()`. Give one in browsers.
   */
  memoryLimitBytes?: number;
  signal?: AbortSignal;
}

/**
 * Loads a Make-A-Video cascade: validates the manifest, reads every file it names through `files` (checking
 * each SHA-256), loads the tokenizer and matches every stage's weights to its network. Sessions are created
 * later, lazily, when a stage first runs. Throws `ManifestError` for any problem with the model.
 */
export async function loadCascade(options: LoadCascadeOptions): Promise<Cascade> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('loadCascade options must be an object.');
  if (typeof options.files?.read !== 'function') {
    throw new TypeError(
      'files must be a ModelFileSource (createDirectorySource(dir) or createUrlSource(baseUrl)).',
    );
  }
  if (options.memoryLimitBytes !== undefined && !(options.memoryLimitBytes > 0)) {
    throw new RangeError(
      `memoryLimitBytes must be a positive number, got ${String(options.memoryLimitBytes)}.`,
    );
  }
  // 1. The manifest.
  const manifest = parseManifest(options.manifest);
  // 2. Its files: tokenizer and weights, verified.
  const loaded = await loadModelFiles(manifest, options.files, options.signal);
  const text = manifest.stages.textEncoder.network;
  const tokenizer = new PromptTokenizer({
    tokenizerJson: loaded.tokenizerJson,
    maxLength: text.maxLength,
    vocabSize: text.vocabSize,
    ...(manifest.tokenizer.startToken === undefined ? {} : { startToken: manifest.tokenizer.startToken }),
    endToken: manifest.tokenizer.endToken,
    padToken: manifest.tokenizer.padToken,
    ...(manifest.tokenizer.unknownToken === undefined
      ? {}
      : { unknownToken: manifest.tokenizer.unknownToken }),
  });
  if (tokenizer.endId !== text.endTokenId) {
    throw new ManifestError(
      'invalid-tokenizer',
      `tokenizer.endToken has id ${tokenizer.endId}, but stages.textEncoder.network.endTokenId is ${text.endTokenId}.`,
      {
        path: 'stages.textEncoder.network.endTokenId',
      },
    );
  }
  // 3. The runtime that creates sessions lazily.
  const runtime = new StageRuntime({
    ...(options.backends ? { backends: options.backends } : {}),
    keepSessions: options.keepSessions ?? false,
  });
  return new Cascade({
    context: { manifest, weights: loaded.weights, runtime },
    tokenizer,
    memoryLimitBytes: options.memoryLimitBytes,
  });
}
