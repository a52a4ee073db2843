import {
  type ClassifierFreeGuidanceConfig,
  type DenoiseProgress,
  denoise,
  guidanceRows,
  isGuided,
} from '@mav/diffusion';
import {
  buildUNet,
  resolveUNetConfig,
  type UNetConfig,
  unetInputNames,
  unetOutputName,
} from '@mav/p3d-layers';
import { randomNormalTensor, Tensor } from '@mav/tensor';
import type { SchedulerManifest, StageName } from '../manifest/manifest-schema.js';
import { createScheduler } from '../scheduler-factory.js';
import { stageStreams } from '../seed-plan.js';
import { type SamplingOptions, type StageContext, stageWeights } from './stage-context.js';
import { unetSessionOptions } from './unet-session-options.js';

/** Conditioning of a UNet stage: the CLIP image embedding `[b D]` and text token states `[b n W]`. */
export interface UNetConditioning {
  vector?: Tensor<'float32'> | undefined;
  tokens?: Tensor<'float32'> | undefined;
}

/** Options of `sampleUNet`. */
export interface SampleUNetOptions extends SamplingOptions {
  stage: StageName;
  network: UNetConfig;
  entry: { scheduler: SchedulerManifest; steps: number; guidanceScale: number };
  /** Sample shape `[b 3 f h w]`. */
  dims: readonly [number, number, number, number, number];
  conditional: UNetConditioning;
  /** The null conditioning of classifier-free guidance (zero embedding, empty-prompt tokens). */
  unconditional: UNetConditioning;
  fps?: number | undefined;
  /** `[b 4 f h w]`: masked frames and mask (the interpolation network). */
  frameConditioning?: Tensor<'float32'> | undefined;
  /** `[b 3 f h w]`: the low-resolution input, upsampled and noise-augmented (super-resolution). */
  lowResolution?: { sample: Tensor<'float32'>; noiseLevel: number } | undefined;
  initialNoise?: Tensor<'float32'> | undefined;
}

/**
 * Samples a pseudo-3D UNet stage with `@mav/diffusion`'s `denoise`: feeds what the config asks for (fps,
 * conditioning vector and tokens, frame conditioning, low-resolution sample and noise level), with
 * classifier-free guidance as one batch of 2b rows when the guidance scale is not 1. The session is built for
 * exactly this shape and released afterwards unless the runtime keeps sessions.
 */
export async function sampleUNet(
  context: StageContext,
  options: SampleUNetOptions,
): Promise<Tensor<'float32'>> {
  const config = resolveUNetConfig(options.network);
  const [batch, , numFrames, height, width] = options.dims;
  const steps = options.steps ?? options.entry.steps;
  const guidanceScale = options.guidanceScale ?? options.entry.guidanceScale;
  const guided = isGuided(guidanceScale);
  const rows = guidanceRows({ batch, guidanceScale });
  const scalar = (value: number) =>
    new Tensor({ dtype: 'float32', dims: [batch], data: new Float32Array(batch).fill(value) });

  // 1. Feeds that differ between the conditional and the unconditional pass, and those that do not.
  const conditional: Record<string, Tensor> = {};
  const unconditional: Record<string, Tensor> = {};
  const shared: Record<string, Tensor> = {};
  // The CLIP embedding and the token states, each where the network declares it: conditional and null.
  const conditioningInputs = [
    [config.conditioning?.vectorDim, unetInputNames.conditioningVector, 'vector', 'conditioning vector'],
    [config.conditioning?.tokenDim, unetInputNames.conditioningTokens, 'tokens', 'conditioning tokens'],
  ] as const;
  for (const [declared, input, key, what] of conditioningInputs) {
    if (declared === undefined) continue;
    conditional[input] = required(options.conditional[key], what, options.stage);
    unconditional[input] = required(options.unconditional[key], `null ${what}`, options.stage);
  }
  if (config.fpsConditioning) shared[unetInputNames.fps] = scalar(options.fps ?? 8);
  if (config.frameConditioningChannels > 0) {
    shared[unetInputNames.frameConditioning] = required(
      options.frameConditioning,
      'frame conditioning',
      options.stage,
    );
  }
  if (config.lowResolution !== undefined) {
    const lowResolution = required(options.lowResolution, 'low-resolution sample', options.stage);
    shared[unetInputNames.lowResSample] = lowResolution.sample;
    shared[unetInputNames.noiseLevel] = scalar(lowResolution.noiseLevel);
  }
  let guidance: ClassifierFreeGuidanceConfig | undefined;
  let constantFeeds: Record<string, Tensor> = { ...shared, ...conditional };
  if (guided) {
    guidance = {
      guidanceScale,
      conditionalFeeds: { ...shared, ...conditional },
      unconditionalFeeds: { ...shared, ...unconditional },
    };
    constantFeeds = {};
  }

  // 2. The initial noise, drawn here (the stream denoise would use) so that it can be reported.
  const initialNoise =
    options.initialNoise ?? drawInitialNoise(options.dims, options.seed, options.streamOffset);
  options.onTensor?.({ stage: options.stage, name: 'initialNoise', tensor: initialNoise });

  // 3. The denoising loop over a session of this shape.
  const started = performance.now();
  const weights = stageWeights(context, options.stage);
  const result = await context.runtime.withSession(
    options.stage,
    `${rows}x${numFrames}x${height}x${width}`,
    () => ({
      ...buildUNet({ config: options.network, weights, batch: rows, numFrames, height, width }),
      sessionOptions: unetSessionOptions(options.network),
    }),
    (session) =>
      denoise({
        session,
        scheduler: createScheduler(options.entry.scheduler),
        model: {
          sampleInput: unetInputNames.sample,
          timestepInput: { name: unetInputNames.timestep, dtype: 'float32' },
          output: unetOutputName,
          constantFeeds,
        },
        numInferenceSteps: steps,
        initialNoise,
        ...(guidance ? { guidance } : {}),
        ...loopOptions(options.stage, options, started),
      }),
  );
  return result.sample;
}

function required<T>(value: T | undefined, what: string, stage: StageName): T {
  if (value === undefined) throw new TypeError(`The ${stage} stage needs its ${what}.`);
  return value;
}

/**
 * The standard normal initial noise `denoise` draws for a seed (its `initialNoise` stream), drawn up front so
 * that a stage can report it or share it.
 */
export function drawInitialNoise(
  dims: readonly number[],
  seed: number | bigint,
  streamOffset: bigint = 0n,
): Tensor<'float32'> {
  return randomNormalTensor({ seed, stream: streamOffset + BigInt(stageStreams.initialNoise), dims });
}

/**
 * The options of `denoise` that come from a stage's sampling options: seed and stream offset, abort, the
 * stage label, and progress as the stage's `StageProgress` (elapsed since `started`).
 */
export function loopOptions(stage: StageName, options: SamplingOptions, started: number) {
  return {
    seed: options.seed,
    streamOffset: options.streamOffset ?? 0n,
    ...(options.signal ? { signal: options.signal } : {}),
    stage,
    onProgress: (progress: DenoiseProgress) =>
      options.onProgress?.({
        stage,
        step: progress.step,
        totalSteps: progress.totalSteps,
        elapsedMs: performance.now() - started,
      }),
  };
}

/** A float32 tensor of zeros. */
export function zeros(dims: readonly number[]): Tensor<'float32'> {
  return new Tensor({ dtype: 'float32', dims });
}
