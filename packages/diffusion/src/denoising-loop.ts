import { AbortError, RandomStream, type Session, Tensor, throwIfAborted } from '@mav/tensor';
import {
  applyClassifierFreeGuidance,
  concatenateBatch,
  splitGuidanceBatch,
} from './classifier-free-guidance.js';
import { checkConcatenation, checkGuidance, checkModelCall, findNonFinite } from './denoise-checks.js';
import { readFloat, sampleTensor, TensorScope, timestepTensor } from './denoise-feeds.js';
import type { DenoisingModelCall } from './denoising-model.js';
import { NonFiniteError } from './errors.js';
import type { Scheduler } from './scheduler.js';

/**
 * Classifier-free guidance inside the loop: conditional and unconditional passes run as one batched model
 * call of 2b rows (unconditional first, diffusers' order), and the two halves of the output are combined
 * with `applyClassifierFreeGuidance`.
 */
export interface ClassifierFreeGuidanceConfig {
  /** Guidance scale w (see `applyClassifierFreeGuidance`). */
  guidanceScale: number;
  /** Guidance rescale φ in [0, 1]. Default 0. */
  guidanceRescale?: number;
  /** Conditioning feeds `[b …]` of the conditional pass, by input name (e.g. the image embedding). */
  conditionalFeeds: Readonly<Record<string, Tensor>>;
  /**
   * The same inputs for the unconditional pass (null embedding), same names and shapes. Concatenated with
   * `conditionalFeeds` once, before the first step (device tensors are read back once for that).
   */
  unconditionalFeeds: Readonly<Record<string, Tensor>>;
}

/** One progress report. */
export interface DenoiseProgress {
  /** The stage label given in the options (e.g. 'decoder', 'interpolation'). */
  stage: string;
  /** Steps completed, 1 … totalSteps. */
  step: number;
  totalSteps: number;
  /** The timestep just completed. */
  timestep: number;
}

/** Options of `denoise`. */
export interface DenoiseOptions {
  /** The denoising model, loaded on any backend. Owned by the caller: `denoise` never releases it. */
  session: Session;
  /** A fresh or reused scheduler; `denoise` calls its `setTimesteps`. */
  scheduler: Scheduler;
  /** How to feed the model and read its prediction. */
  model: DenoisingModelCall;
  numInferenceSteps: number;
  /** Sample shape `[b C …]`; required unless `initialNoise` is given. */
  dims?: readonly number[];
  /** Seed of every random value of the run. Default 0. */
  seed?: number | bigint;
  /**
   * Added to the ids of `denoiseStreams`, so that several loops under one seed draw from streams of their
   * own (a caller's stream plan). Default 0.
   */
  streamOffset?: number | bigint;
  /**
   * Standard normal starting noise `[b C …]` to use instead of drawing it (e.g. `sharedFrameNoise` for
   * per-frame super-resolution); multiplied by the scheduler's `initNoiseSigma`. Not modified.
   */
  initialNoise?: Tensor<'float32'>;
  /** Classifier-free guidance; omitted: one conditional pass per step. */
  guidance?: ClassifierFreeGuidanceConfig;
  /** Stops the loop between steps (and the backend's run where it can) with `AbortError`. */
  signal?: AbortSignal;
  /** Called after each step. */
  onProgress?: (progress: DenoiseProgress) => void;
  /** Label for progress and messages. Default 'denoise'. */
  stage?: string;
}

/** What `denoise` returns. */
export interface DenoiseResult {
  /** The final sample x_0, float32 on the host, same shape as the noise. The caller owns it. */
  sample: Tensor<'float32'>;
  /** The timesteps the loop ran, in order. */
  timesteps: readonly number[];
}

/**
 * Random stream ids of `denoise` under its seed: the initial noise and the per-step noise of stochastic
 * schedulers draw from separate streams, so a run is reproducible value for value in Node and browsers.
 */
export const denoiseStreams = { initialNoise: 0, stepNoise: 1 } as const;

/**
 * The denoising loop: starting from seeded noise, runs the model through the backend specification at
 * every timestep of the scheduler and steps the sample, then returns x_0.
 *
 * Data movement: scheduler math runs on host `Float32Array`s (identical results on every backend), so the
 * sample goes to the model and its prediction comes back each step; only the prediction output is fetched.
 * Everything else the model reads — `constantFeeds` (embeddings, fps, masks) — is fed as given every step,
 * so device tensors (e.g. a text encoder's output kept on a WebGPU/CUDA device) never leave the device.
 *
 * Deterministic for a seed: the same options give bit-identical output (given a deterministic backend).
 * A model output holding NaN or ±Infinity stops the loop with `NonFiniteError` (stage, step, timestep).
 * Every tensor the loop creates is disposed before it returns or throws; the session stays open.
 */
export async function denoise(options: DenoiseOptions): Promise<DenoiseResult> {
  // 1. Check inputs.
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`denoise options must be an object, got ${String(options)}.`);
  }
  const { session, scheduler, model, guidance, signal, onProgress } = options;
  const stage = options.stage ?? 'denoise';
  if (typeof session?.run !== 'function') throw new TypeError('session must implement Session (run).');
  if (typeof scheduler?.step !== 'function')
    throw new TypeError('scheduler must implement Scheduler (step).');
  checkModelCall(model);
  const seed = options.seed ?? 0;
  const streamOffset = BigInt(options.streamOffset ?? 0);
  const dims = options.initialNoise?.dims ?? options.dims;
  if (dims === undefined || dims.length < 2) {
    throw new TypeError('denoise needs dims [b C …] (at least 2 axes) or initialNoise.');
  }
  if (options.initialNoise !== undefined && options.initialNoise.dtype !== 'float32') {
    throw new TypeError(`initialNoise must be float32, got ${options.initialNoise.dtype}.`);
  }
  if (
    options.initialNoise !== undefined &&
    options.dims !== undefined &&
    options.dims.join() !== options.initialNoise.dims.join()
  ) {
    throw new RangeError(
      `dims [${options.dims.join(', ')}] differ from initialNoise ${options.initialNoise.toString()}; give one of them.`,
    );
  }
  const batch = dims[0]!;
  const sampleSize = dims.reduce((product, dim) => product * dim, 1);
  throwIfAborted(signal, `Denoising (${stage})`);

  // Tensors the loop creates for the whole run (batched constant feeds); each step has its own scope.
  const runScope = new TensorScope();
  const own = <T extends Tensor>(tensor: T): T => runScope.track(tensor);
  try {
    // 2. Timesteps and initial noise x_T ~ N(0, σ_init² I).
    scheduler.setTimesteps(options.numInferenceSteps);
    const timesteps = [...scheduler.timesteps];
    const initNoiseSigma = scheduler.initNoiseSigma;
    let sample: Float32Array = new Float32Array(sampleSize);
    if (options.initialNoise !== undefined) {
      sample.set(options.initialNoise.data);
    } else {
      new RandomStream({ seed, stream: streamOffset + BigInt(denoiseStreams.initialNoise) }).fillNormal(
        sample,
      );
    }
    if (initNoiseSigma !== 1) {
      for (let index = 0; index < sample.length; index++) sample[index]! *= initNoiseSigma;
    }
    const stepNoise = new RandomStream({ seed, stream: streamOffset + BigInt(denoiseStreams.stepNoise) });

    // 3. Constant feeds, batched once for guidance: [b …] + [b …] -> [2b …] (unconditional first).
    const modelBatch = guidance ? 2 * batch : batch;
    const constantFeeds: Record<string, Tensor> = { ...(model.constantFeeds ?? {}) };
    if (guidance) {
      checkGuidance(guidance);
      for (const name of Object.keys(guidance.conditionalFeeds)) {
        const conditionalFeed = guidance.conditionalFeeds[name]!;
        const unconditionalFeed = guidance.unconditionalFeeds[name]!;
        const conditional = await conditionalFeed.toHost();
        if (conditional !== conditionalFeed) own(conditional);
        const unconditional = await unconditionalFeed.toHost();
        if (unconditional !== unconditionalFeed) own(unconditional);
        constantFeeds[name] = own(concatenateBatch(unconditional, conditional));
      }
    }
    const concatenation = model.sampleConcatenation;
    const extraChannels = concatenation ? checkConcatenation(concatenation, dims) : 0;

    // 4. Denoising loop.
    for (let step = 0; step < timesteps.length; step++) {
      throwIfAborted(signal, `Denoising (${stage})`);
      const timestep = timesteps[step]!;
      const modelInput = scheduler.scaleModelInput(sample, timestep);
      const predictionData = await runStep(async (scope) => {
        const feeds: Record<string, Tensor> = { ...constantFeeds };
        const doubled = guidance !== undefined;
        feeds[model.sampleInput] = scope.track(
          sampleTensor(modelInput, dims, concatenation, extraChannels, doubled, model.sampleDtype),
        );
        feeds[model.timestepInput.name] = scope.track(timestepTensor(timestep, modelBatch, model));
        const extra = model.stepFeeds?.({ step, timestep, batchSize: modelBatch, scheduler }) ?? {};
        for (const [name, tensor] of Object.entries(extra)) feeds[name] = scope.track(tensor);
        const outputs = await session.run(feeds, { fetches: [model.output], signal });
        for (const tensor of Object.values(outputs)) scope.track(tensor);
        const prediction = outputs[model.output];
        if (prediction === undefined) {
          throw new RangeError(`The model returned no output '${model.output}' (model.output).`);
        }
        const data = await readFloat(prediction);
        const expected = doubled ? 2 * sampleSize : sampleSize;
        if (data.length !== expected) {
          throw new RangeError(
            `Output '${model.output}' has ${data.length} elements (${prediction.toString()}); expected ${expected} (the sample shape [${dims.join(', ')}]${doubled ? ' for each of the 2 guidance halves' : ''}).`,
          );
        }
        return data;
      });
      throwIfAborted(signal, `Denoising (${stage})`);
      // NaN/Inf would spread through every later step: stop at the step that produced them.
      const nonFinite = findNonFinite(predictionData);
      if (nonFinite !== undefined) {
        throw new NonFiniteError({
          stage,
          step: step + 1,
          totalSteps: timesteps.length,
          timestep,
          output: model.output,
          ...nonFinite,
        });
      }

      let modelOutput: Float32Array;
      if (guidance) {
        const { unconditional, conditional } = splitGuidanceBatch(predictionData);
        modelOutput = applyClassifierFreeGuidance({
          conditional,
          unconditional,
          guidanceScale: guidance.guidanceScale,
          guidanceRescale: guidance.guidanceRescale ?? 0,
          batchSize: batch,
        });
      } else {
        modelOutput = predictionData;
      }
      sample = scheduler.step({ modelOutput, timestep, sample, random: stepNoise }).prevSample;
      onProgress?.({ stage, step: step + 1, totalSteps: timesteps.length, timestep });
    }

    // 5. Result.
    return { sample: new Tensor({ dtype: 'float32', dims, data: sample }), timesteps };
  } catch (error) {
    if (signal?.aborted && !AbortError.isInstance(error)) {
      throw new AbortError(`Denoising (${stage}) was aborted.`, signal.reason);
    }
    throw error;
  } finally {
    runScope.dispose();
  }
}

/** Runs one step with its own tensor scope, disposed when the step ends or throws. */
async function runStep<T>(body: (scope: TensorScope) => Promise<T>): Promise<T> {
  const scope = new TensorScope();
  try {
    return await body(scope);
  } finally {
    scope.dispose();
  }
}
