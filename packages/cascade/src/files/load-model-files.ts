import {
  checkWeights,
  readSafetensors,
  readSafetensorsFrom,
  type SafetensorsContents,
  SafetensorsError,
  transformerParameterSpecs,
  unetParameterSpecs,
  WeightMismatchError,
} from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { ManifestError } from '../errors.js';
import { type ModelManifest, type StageName, stageNames } from '../manifest/manifest-schema.js';
import { resolveModelPath } from '../manifest/model-path.js';
import { type ModelFileSource, sha256Hex } from './model-file-source.js';
import {
  describeNonFiniteTensors,
  findNonFiniteTensors,
  type NonFiniteTensor,
} from './non-finite-weights.js';

/** Weights of every stage of a manifest, by stage, checked against the stage's network config. */
export type StageWeights = Partial<Record<StageName, Record<string, Tensor>>>;

/** What `loadModelFiles` returns. */
export interface LoadedModelFiles {
  /** The parsed `tokenizer.json`. */
  tokenizerJson: object;
  weights: StageWeights;
  /** Bytes of every weight file (the memory estimate counts them). */
  weightBytes: Partial<Record<StageName, number>>;
}

/** Reads a file through the source and checks its SHA-256 against the manifest. */
async function readVerified(
  source: ModelFileSource,
  file: string,
  sha256: string,
  path: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const normalised = resolveModelPath(file, path);
  const bytes = await source.read(normalised, signal ? { signal } : {});
  checkSha256(await sha256Hex(bytes), sha256, file, path);
  return bytes;
}

function checkSha256(actual: string, expected: string, file: string, path: string): void {
  if (actual !== expected) {
    throw new ManifestError(
      'sha256-mismatch',
      `${path}: '${file}' has SHA-256 ${actual}, the manifest says ${expected}. The file is damaged or belongs to another model.`,
      {
        path: path.replace(/\.file$/, '.sha256'),
        file,
      },
    );
  }
}

/**
 * Reads one safetensors weight file, SHA-256 checked. Through a source that can `open` files, the file is
 * hashed as a stream and its tensors are read by offset straight into their arrays (no buffer of the file's
 * size: files of 2 GiB and more load with memory at the weights' own size); otherwise it is read whole.
 */
async function readWeightFile(
  source: ModelFileSource,
  file: string,
  sha256: string,
  path: string,
  signal?: AbortSignal,
): Promise<{ contents: SafetensorsContents; bytes: number }> {
  if (source.open === undefined) {
    const bytes = await readVerified(source, file, sha256, path, signal);
    return { contents: readSafetensors(bytes, { fileName: file }), bytes: bytes.byteLength };
  }
  const handle = await source.open(resolveModelPath(file, path), signal ? { signal } : {});
  try {
    checkSha256(await handle.sha256(signal ? { signal } : {}), sha256, file, path);
    const contents = await readSafetensorsFrom(handle, { fileName: file, ...(signal ? { signal } : {}) });
    return { contents, bytes: handle.size };
  } finally {
    await handle.close();
  }
}

/** The parameter specs of a stage's network. */
export function stageParameterSpecs(manifest: ModelManifest, stage: StageName) {
  const entry = manifest.stages[stage];
  if (entry === undefined) throw new RangeError(`The manifest has no stage '${stage}'.`);
  switch (stage) {
    case 'textEncoder':
      return transformerParameterSpecs({ kind: 'textEncoder', config: manifest.stages.textEncoder.network });
    case 'imageEncoder':
      return transformerParameterSpecs({
        kind: 'imageEncoder',
        config: manifest.stages.imageEncoder!.network,
      });
    case 'prior':
      return transformerParameterSpecs({ kind: 'prior', config: manifest.stages.prior!.network });
    default:
      return unetParameterSpecs((entry as { network: Parameters<typeof unetParameterSpecs>[0] }).network);
  }
}

/**
 * Reads every file of a validated manifest through `source`: checks each SHA-256, parses the tokenizer and
 * the safetensors files, matches each stage's tensors to its network by name and shape, and refuses float
 * weights holding NaN or ±Infinity (listing every such tensor with its file). Every problem is a
 * `ManifestError` ('missing-file', 'sha256-mismatch', 'invalid-tokenizer', 'invalid-weights').
 */
export async function loadModelFiles(
  manifest: ModelManifest,
  source: ModelFileSource,
  signal?: AbortSignal,
): Promise<LoadedModelFiles> {
  const tokenizerBytes = await readVerified(
    source,
    manifest.tokenizer.file,
    manifest.tokenizer.sha256,
    'tokenizer.file',
    signal,
  );
  let tokenizerJson: object;
  try {
    tokenizerJson = JSON.parse(new TextDecoder().decode(tokenizerBytes)) as object;
  } catch (error) {
    throw new ManifestError('invalid-tokenizer', `'${manifest.tokenizer.file}' is not valid JSON.`, {
      path: 'tokenizer.file',
      file: manifest.tokenizer.file,
      cause: error,
    });
  }
  const weights: StageWeights = {};
  const weightBytes: Partial<Record<StageName, number>> = {};
  const nonFinite: NonFiniteTensor[] = [];
  for (const stage of stageNames) {
    const entry = manifest.stages[stage];
    if (entry === undefined) continue;
    const tensors: Record<string, Tensor> = {};
    let bytesTotal = 0;
    for (const [index, file] of entry.weights.entries()) {
      const path = `stages.${stage}.weights[${index}].file`;
      try {
        const { contents, bytes } = await readWeightFile(source, file.file, file.sha256, path, signal);
        bytesTotal += bytes;
        nonFinite.push(...findNonFiniteTensors(contents.tensors, file.file, path));
        for (const [name, tensor] of Object.entries(contents.tensors)) {
          if (name in tensors) {
            throw new ManifestError(
              'invalid-weights',
              `${path}: tensor '${name}' of '${file.file}' is also in an earlier weight file of stage ${stage}.`,
              { path, file: file.file },
            );
          }
          tensors[name] = tensor;
        }
      } catch (error) {
        if (ManifestError.isInstance(error)) throw error;
        if (SafetensorsError.isInstance(error)) {
          throw new ManifestError('invalid-weights', `${path}: ${(error as Error).message}`, {
            path,
            file: file.file,
            cause: error,
          });
        }
        throw error;
      }
    }
    try {
      checkWeights({
        specs: stageParameterSpecs(manifest, stage),
        weights: tensors,
        fileName: entry.weights.map((file) => file.file).join(' + '),
      });
    } catch (error) {
      if (WeightMismatchError.isInstance(error)) {
        throw new ManifestError('invalid-weights', `stages.${stage}.weights: ${(error as Error).message}`, {
          path: `stages.${stage}.weights`,
          cause: error,
        });
      }
      throw error;
    }
    weights[stage] = tensors;
    weightBytes[stage] = bytesTotal;
  }
  if (nonFinite.length > 0) {
    const files = [...new Set(nonFinite.map((entry) => entry.file))];
    throw new ManifestError(
      'invalid-weights',
      `${nonFinite.length} weight tensor${nonFinite.length === 1 ? ' holds' : 's hold'} NaN or ±Infinity:\n${describeNonFiniteTensors(nonFinite)}\nThe files are damaged, or were saved from a training run that diverged.`,
      files.length === 1 ? { path: nonFinite[0]!.path, file: files[0]! } : {},
    );
  }
  return { tokenizerJson, weights, weightBytes };
}
