import type { Tensor } from '@mav/tensor';
import type { Scheduler } from './scheduler.js';

/** How the denoising model takes the timestep. */
export interface TimestepInput {
  /** Input name, e.g. 'timestep'. */
  name: string;
  /**
   * Element type. Integer types get the timestep rounded to the nearest integer (only Euler with
   * 'linspace' spacing produces fractional timesteps; give such models a float input).
   */
  dtype: 'float32' | 'float16' | 'int32' | 'int64';
  /** 'batch': one value per row of the model batch, `[B]` (default); 'scalar': one value, `[]`. */
  shape?: 'batch' | 'scalar';
}

/** What a per-step feed builder gets. */
export interface StepFeedContext {
  /** Index of the step, 0 … numInferenceSteps − 1. */
  step: number;
  /** The timestep the model is run at. */
  timestep: number;
  /** Rows of the model batch (2b with classifier-free guidance). */
  batchSize: number;
  scheduler: Scheduler;
}

/**
 * A typed description of how the denoising loop calls the model each step: which input takes the
 * (scaled) sample, which takes the timestep, what else to feed, and which output is the prediction.
 *
 * Feeds are assembled per step as: `sampleInput` ← scaled sample (with `sampleConcatenation` appended
 * along channels), `timestepInput` ← timestep, every `constantFeeds` entry unchanged, the guidance
 * conditioning (see `ClassifierFreeGuidanceConfig`), and whatever `stepFeeds` returns.
 */
export interface DenoisingModelCall {
  /** Input that takes the noisy sample `[B C …]`. */
  sampleInput: string;
  /** Element type of the sample input. Default 'float32'. */
  sampleDtype?: 'float32' | 'float16';
  /** The timestep input. */
  timestepInput: TimestepInput;
  /** Output holding the prediction (ε, v or x_0, as the scheduler's `predictionType` says), `[B C …]`. */
  output: string;
  /**
   * Feeds given unchanged at every step: fps, masks, pre-batched embeddings. Device tensors (outputs an
   * earlier run kept on the device) stay on the device for the whole loop: no copy per step. With
   * classifier-free guidance they must already fit the 2b batch (or have no batch axis).
   */
  constantFeeds?: Readonly<Record<string, Tensor>>;
  /**
   * Extra channels `[b K …]` (same trailing shape as the sample) appended to the sample along axis 1 before
   * each run: e.g. the masked frames + mask of `maskedFrameConditioning` for the interpolation model.
   */
  sampleConcatenation?: Tensor<'float32'>;
  /**
   * Feeds that change with the step (e.g. ᾱ_t for a model that takes the noise level). The loop disposes
   * the returned tensors after the run.
   */
  stepFeeds?: (context: StepFeedContext) => Record<string, Tensor>;
}
