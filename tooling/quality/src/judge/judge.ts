import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkWeights, readSafetensors } from '@mav/p3d-layers';
import { type Backend, type Session, Tensor } from '@mav/tensor';
import { QualityError } from '../errors.js';
import {
  type JudgeAttribute,
  type JudgeConfig,
  type JudgeDescription,
  judgeAttributes,
  parseJudgeDescription,
} from './judge-config.js';
import { buildJudge, judgeNames, judgeParameterSpecs } from './judge-network.js';

/** What the classifier says about a batch of frames. */
export interface JudgeOutput {
  /** Frames judged. */
  count: number;
  /** `[count featureDim]` row-major: the feature layer (Fréchet and video features). */
  features: Float32Array;
  /** `[count classes]` row-major softmax probabilities per attribute. */
  probabilities: Record<JudgeAttribute, Float32Array>;
}

/** Options of `Judge.load`. */
export interface LoadJudgeOptions {
  /** Folder holding `judge.json` and `judge.safetensors`. */
  folder: string;
  /** The backend the classifier runs on (onnxruntime-node CPU in the harness). */
  backend: Backend;
  /** Frames per session run (the last run is padded). Default 64. */
  batch?: number;
}

/**
 * The attribute classifier of the shapes world on a mav backend: object-centred crops `[n 3 c c]` in
 * [−1, 1] (c = the config's crop size; `objectCrops` makes them) → features and per-attribute
 * probabilities. One session, built once from the declaration in `judge-network.ts` and the committed
 * weights.
 */
export class Judge {
  readonly description: JudgeDescription;
  readonly config: JudgeConfig;
  readonly batch: number;
  readonly #session: Session;

  private constructor(description: JudgeDescription, session: Session, batch: number) {
    this.description = description;
    this.config = description.config;
    this.#session = session;
    this.batch = batch;
  }

  /** Reads and checks the judge files and creates its session. */
  static async load(options: LoadJudgeOptions): Promise<Judge> {
    const batch = options.batch ?? 64;
    if (!Number.isSafeInteger(batch) || batch < 1)
      throw new RangeError(`batch must be a positive integer, got ${String(batch)}.`);
    const jsonFile = join(options.folder, 'judge.json');
    const weightsFile = join(options.folder, 'judge.safetensors');
    const description = parseJudgeDescription(await readText(jsonFile), jsonFile);
    let weights: Record<string, Tensor>;
    try {
      weights = readSafetensors(new Uint8Array(await readFile(weightsFile)), {
        fileName: weightsFile,
      }).tensors;
      checkWeights({ specs: judgeParameterSpecs(description.config), weights, fileName: weightsFile });
    } catch (cause) {
      throw new QualityError('invalid-judge', `${weightsFile}: ${(cause as Error).message}`, {
        file: weightsFile,
        cause,
      });
    }
    await options.backend.init();
    const session = await options.backend.createSession(
      buildJudge({ config: description.config, weights, batch }),
      { label: 'judge' },
    );
    return new Judge(description, session, batch);
  }

  /** Judges `crops` (float32 `[n 3 c c]` in [−1, 1]). */
  async judge(crops: Tensor<'float32'>): Promise<JudgeOutput> {
    const frames = crops;
    const size = this.config.cropSize;
    const [count, channels, height, width] = frames.dims as number[];
    if (frames.dims.length !== 4 || channels !== 3 || height !== size || width !== size) {
      throw new TypeError(`crops must be float32 [n 3 ${size} ${size}], got ${frames.toString()}.`);
    }
    const n = count!;
    const frameSize = 3 * size * size;
    const featureDim = this.config.featureDim;
    const features = new Float32Array(n * featureDim);
    const probabilities = Object.fromEntries(
      judgeAttributes.map((attribute) => [
        attribute,
        new Float32Array(n * this.config.labels[attribute].length),
      ]),
    ) as Record<JudgeAttribute, Float32Array>;
    for (let start = 0; start < n; start += this.batch) {
      const rows = Math.min(this.batch, n - start);
      const input = new Tensor({ dtype: 'float32', dims: [this.batch, 3, size, size] });
      input.data.set(frames.data.subarray(start * frameSize, (start + rows) * frameSize));
      const outputs = await this.#session.run({ [judgeNames.input]: input });
      const host = async (name: string) => {
        const tensor = (await outputs[name]!.toHost()) as Tensor<'float32'>;
        return tensor.data;
      };
      features.set((await host(judgeNames.features)).subarray(0, rows * featureDim), start * featureDim);
      for (const attribute of judgeAttributes) {
        const classes = this.config.labels[attribute].length;
        const logits = await host(judgeNames.logits(attribute));
        softmaxRows(logits, classes, rows, probabilities[attribute], start * classes);
      }
      for (const tensor of Object.values(outputs)) tensor.dispose();
      input.dispose();
    }
    return { count: n, features, probabilities };
  }

  /** Releases the session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new QualityError('invalid-judge', `cannot read ${file}: ${(cause as Error).message}`, {
      file,
      cause,
    });
  }
}

function softmaxRows(
  logits: Float32Array,
  classes: number,
  rows: number,
  out: Float32Array,
  offset: number,
): void {
  for (let row = 0; row < rows; row++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row * classes + k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += Math.exp(logits[row * classes + k]! - max);
    for (let k = 0; k < classes; k++)
      out[offset + row * classes + k] = Math.exp(logits[row * classes + k]! - max) / sum;
  }
}
