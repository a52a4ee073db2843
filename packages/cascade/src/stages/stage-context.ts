import type { Tensor } from '@mav/tensor';
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

/** Options every stage run takes. */
export interface StageRunOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((event: StageProgress) => void) | undefined;
}

/** Sampling options of a diffusion stage (defaults from the manifest). */
export interface SamplingOptions extends StageRunOptions {
  seed: number | bigint;
  steps?: number | undefined;
  guidanceScale?: number | undefined;
}

/** The weights of a stage, or a RangeError saying the manifest lacks the stage. */
export function stageWeights(context: StageContext, stage: StageName): Record<string, Tensor> {
  const weights = context.weights[stage];
  if (weights === undefined) {
    throw new RangeError(`The model '${context.manifest.name}' has no ${stage} stage.`);
  }
  return weights;
}
