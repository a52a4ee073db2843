import type { Tensor } from '@mav/tensor';
import { MissingStageError } from '../errors.js';
import type { StageWeights } from '../files/load-model-files.js';
import type { ModelManifest, StageName } from '../manifest/manifest-schema.js';
import type { StageRuntime } from '../stage-runtime.js';

/** What every stage component shares: the manifest, the checked weights and the session runtime. */
export interface StageContext {
  readonly manifest: ModelManifest;
  readonly weights: StageWeights;
  readonly runtime: StageRuntime;
}

/** One progress report of a stage. */
export interface StageProgress {
  stage: StageName;
  /** Steps done, 1 … totalSteps (a stage without a sampling loop reports one step). */
  step: number;
  totalSteps: number;
  /** Milliseconds since the stage started. */
  elapsedMs: number;
}

/**
 * A tensor a stage made or drew, reported as it happens (for inspection, stage-by-stage scoring and parity
 * checks against another implementation): the embeddings and token states of the encoders (after the
 * manifest's embedding normalisation), the initial noise of every sampling loop, the noise of the
 * super-resolution input augmentation, and each stage's output as the next stage receives it.
 * The tensor is only valid during the call: copy it to keep it.
 */
export interface StageTensorEvent {
  stage: StageName;
  name: 'embedding' | 'tokens' | 'initialNoise' | 'augmentationNoise' | 'output';
  tensor: Tensor<'float32'>;
}

/** Options every stage run takes. */
export interface StageRunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((event: StageProgress) => void) | undefined;
  /** Receives the run's intermediate tensors (see `StageTensorEvent`). */
  onTensor?: ((event: StageTensorEvent) => void) | undefined;
}

/** Sampling options of a diffusion stage (defaults from the manifest). */
export interface SamplingOptions extends StageRunOptions {
  seed: number | bigint;
  /** Added to the stage's stream ids (`stageStreams`): the run's seed plan. Default 0. */
  streamOffset?: bigint | undefined;
  steps?: number | undefined;
  guidanceScale?: number | undefined;
}

/** The CLIP conditioning every UNet stage samples with (the null condition is derived from it). */
export interface UNetStageOptions extends SamplingOptions {
  /** `[1 D]`: the CLIP image embedding y_e (normalised). */
  imageEmbedding: Tensor<'float32'>;
  /** `[1 n W]`: the prompt's token states (for a network with cross-attention). */
  textTokens?: Tensor<'float32'> | undefined;
  /** `[1 n W]`: the empty prompt's token states (the null condition). */
  emptyTokens?: Tensor<'float32'> | undefined;
}

/** What every stage component holds: the context it reads the manifest, weights and runtime from. */
export abstract class StageComponent {
  protected readonly context: StageContext;

  constructor(context: StageContext) {
    this.context = context;
  }
}

/** The weights of a stage, or a `MissingStageError` saying the model lacks the stage. */
export function stageWeights(context: StageContext, stage: StageName): Record<string, Tensor> {
  requireStage(context.manifest, stage);
  return context.weights[stage]!;
}

/**
 * The manifest entry of a stage the run needs, or a `MissingStageError` that says the model lacks it (and
 * whether the manifest lists it as not trained yet).
 */
export function requireStage<Name extends StageName>(
  manifest: ModelManifest,
  stage: Name,
  need?: string,
): NonNullable<ModelManifest['stages'][Name]> {
  const entry = manifest.stages[stage];
  if (entry === undefined) {
    throw new MissingStageError({
      model: manifest.name,
      stage,
      untrained: manifest.missing?.includes(stage) ?? false,
      ...(need === undefined ? {} : { need }),
    });
  }
  return entry as NonNullable<ModelManifest['stages'][Name]>;
}
