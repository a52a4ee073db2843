import type { RandomStream } from '@mav/tensor';
import { SchedulerStateError } from './errors.js';
import {
  alphasCumulativeProduct,
  type BetaScheduleKind,
  betaSchedule,
  checkPositiveInteger,
} from './noise-schedule.js';
import { type PredictionType, predictionTypes } from './prediction-type.js';
import type { PreviousTimestep } from './previous-timestep.js';
import { spaceTimesteps, type TimestepSpacing } from './timestep-spacing.js';

/** Options every scheduler shares: the training noise schedule and how the model was trained. */
export interface SchedulerOptions {
  /** Number of training timesteps T. Default 1000. */
  numTrainTimesteps?: number;
  /** Beta schedule the model was trained with. Default 'linear'. */
  betaSchedule?: BetaScheduleKind;
  /** First β of a linear schedule (see `betaSchedule`). */
  betaStart?: number;
  /** Last β of a linear schedule (see `betaSchedule`). */
  betaEnd?: number;
  /** Cap on β of the squared-cosine schedule. Default 0.999. */
  maxBeta?: number;
  /** Explicit β_0 … β_{T−1}; overrides the schedule options. */
  trainedBetas?: ArrayLike<number>;
  /** What the model predicts. Default 'epsilon'. */
  predictionType?: PredictionType;
  /** How sampling timesteps are picked. Default depends on the scheduler (as in diffusers). */
  timestepSpacing?: TimestepSpacing;
  /** Offset added to 'leading' timesteps (Stable Diffusion 1.x uses 1). Default 0. */
  stepsOffset?: number;
}

/** Options of `Scheduler.step`. */
export interface SchedulerStepOptions {
  /** The model's prediction for `sample` at `timestep` (after guidance). */
  modelOutput: Float32Array;
  /** The current timestep, one of `scheduler.timesteps`. */
  timestep: number;
  /** The current sample x_t (unscaled: what the previous step returned, not `scaleModelInput`'s output). */
  sample: Float32Array;
  /**
   * Noise source of stochastic steps (DDPM, DDIM with eta > 0, Euler ancestral); consumed in element order.
   * Required when `scheduler.stochastic` is true.
   */
  random?: RandomStream;
}

/** What `Scheduler.step` returns. */
export interface SchedulerStepResult {
  /** The sample at the next (less noisy) timestep. */
  prevSample: Float32Array;
  /** The clean-sample estimate x̂_0 the step used. */
  predOriginalSample: Float32Array;
}

/** Options of `Scheduler.addNoise`. */
export interface AddNoiseOptions {
  originalSample: Float32Array;
  /** Standard normal noise, one value per element. */
  noise: Float32Array;
  /** Training timestep (an integer in [0, T), or for Euler any value in that range). */
  timestep: number;
}

/**
 * The interface every scheduler implements (the diffusers scheduler API, with one typed options object
 * per call). Sample data are host `Float32Array`s in any layout: the math is element-wise.
 *
 * Use: `setTimesteps(n)`; start from noise × `initNoiseSigma`; for each `t` of `timesteps`: run the model on
 * `scaleModelInput(sample, t)`, then `sample = step({ modelOutput, timestep: t, sample }).prevSample`.
 */
export interface Scheduler {
  /** Scheduler name, e.g. 'ddim'. */
  readonly name: string;
  /** What the model predicts. */
  readonly predictionType: PredictionType;
  /** Number of training timesteps T. */
  readonly numTrainTimesteps: number;
  /** ᾱ_t of the training schedule, t = 0 … T − 1. */
  readonly alphasCumulative: Float64Array;
  /** Standard deviation of the initial noise: multiply N(0, I) noise by it to start sampling. */
  readonly initNoiseSigma: number;
  /** The sampling timesteps set by `setTimesteps`, noisiest first (empty before). */
  readonly timesteps: readonly number[];
  /** True when `step` draws noise (then it needs `random`). */
  readonly stochastic: boolean;
  /** Picks `numInferenceSteps` timesteps and resets any multistep history. */
  setTimesteps(numInferenceSteps: number): void;
  /** The model input for `sample` at `timestep` (a copy when the scheduler rescales, else `sample`). */
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** One reverse step from `timestep` to the next timestep of the schedule. */
  step(options: SchedulerStepOptions): SchedulerStepResult;
  /** Noises a clean sample to `timestep` as the forward process does (for img2img, SR augmentation). */
  addNoise(options: AddNoiseOptions): Float32Array;
}

/**
 * Shared state of the variance-preserving schedulers: the training schedule, option checks, the timestep
 * list and the "setTimesteps first" rule. Subclasses implement the update rule.
 */
export abstract class BaseScheduler implements Scheduler {
  abstract readonly name: string;
  abstract readonly stochastic: boolean;
  readonly predictionType: PredictionType;
  readonly numTrainTimesteps: number;
  readonly betas: Float64Array;
  readonly alphasCumulative: Float64Array;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  protected currentTimesteps: number[] = [];

  protected constructor(options: SchedulerOptions, defaultSpacing: TimestepSpacing) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`scheduler options must be an object, got ${String(options)}.`);
    }
    if (options.trainedBetas !== undefined) {
      this.betas = Float64Array.from(options.trainedBetas);
      if (this.betas.some((beta) => !(beta > 0 && beta < 1))) {
        throw new RangeError('trainedBetas must all be in (0, 1).');
      }
    } else {
      const scheduleOptions: Parameters<typeof betaSchedule>[0] = {
        numTrainTimesteps: options.numTrainTimesteps ?? 1000,
      };
      if (options.betaSchedule !== undefined) scheduleOptions.kind = options.betaSchedule;
      if (options.betaStart !== undefined) scheduleOptions.betaStart = options.betaStart;
      if (options.betaEnd !== undefined) scheduleOptions.betaEnd = options.betaEnd;
      if (options.maxBeta !== undefined) scheduleOptions.maxBeta = options.maxBeta;
      this.betas = betaSchedule(scheduleOptions);
    }
    this.numTrainTimesteps = this.betas.length;
    this.alphasCumulative = alphasCumulativeProduct(this.betas);
    const predictionType = options.predictionType ?? 'epsilon';
    if (!predictionTypes.includes(predictionType)) {
      throw new RangeError(
        `predictionType must be 'epsilon', 'v' or 'sample', got ${String(predictionType)}.`,
      );
    }
    this.predictionType = predictionType;
    this.timestepSpacing = options.timestepSpacing ?? defaultSpacing;
    this.stepsOffset = options.stepsOffset ?? 0;
    if (!Number.isSafeInteger(this.stepsOffset) || this.stepsOffset < 0) {
      throw new RangeError(`stepsOffset must be a non-negative integer, got ${this.stepsOffset}.`);
    }
  }

  /** Standard deviation of the initial noise. */
  get initNoiseSigma(): number {
    return 1;
  }

  /** The sampling timesteps, noisiest first. */
  get timesteps(): readonly number[] {
    return this.currentTimesteps;
  }

  setTimesteps(numInferenceSteps: number): void {
    checkPositiveInteger(numInferenceSteps, 'numInferenceSteps');
    this.currentTimesteps = this.computeTimesteps(numInferenceSteps);
    this.onTimestepsSet();
  }

  /** The sampling timesteps for `numInferenceSteps`, noisiest first. */
  protected computeTimesteps(numInferenceSteps: number): number[] {
    return spaceTimesteps({
      spacing: this.timestepSpacing,
      numInferenceSteps,
      numTrainTimesteps: this.numTrainTimesteps,
      stepsOffset: this.stepsOffset,
      round: this.roundsTimesteps(),
    });
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.indexOf(timestep);
    return sample;
  }

  abstract step(options: SchedulerStepOptions): SchedulerStepResult;

  /** x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (Ho et al. 2020, eq. 4). */
  addNoise(options: AddNoiseOptions): Float32Array {
    const { originalSample, noise } = options;
    checkSameLength(originalSample, noise, 'noise');
    const alphaCumulative = this.alphaCumulativeAt(
      checkTrainTimestep(options.timestep, this.numTrainTimesteps),
    );
    const alpha = Math.sqrt(alphaCumulative);
    const sigma = Math.sqrt(1 - alphaCumulative);
    const noisy = new Float32Array(originalSample.length);
    for (let index = 0; index < noisy.length; index++) {
      noisy[index] = alpha * originalSample[index]! + sigma * noise[index]!;
    }
    return noisy;
  }

  /**
   * The timestep a step from `timesteps[index]` goes to under `rule` (see `PreviousTimestep`); negative
   * means past t = 0, where the scheduler's final ᾱ applies.
   */
  protected previousTimestepOf(index: number, rule: PreviousTimestep): number {
    if (rule === 'schedule') {
      return index + 1 < this.currentTimesteps.length ? this.currentTimesteps[index + 1]! : -1;
    }
    return this.currentTimesteps[index]! - Math.floor(this.numTrainTimesteps / this.currentTimesteps.length);
  }

  /**
   * ᾱ at the timestep step `index` goes to (`rule`), or `finalValue` once that lies below t = 0: the one
   * "next ᾱ or the final one" rule of the discrete schedulers.
   */
  protected alphaCumulativeAfter(index: number, rule: PreviousTimestep, finalValue: number): number {
    const previous = this.previousTimestepOf(index, rule);
    return previous >= 0 ? this.alphasCumulative[previous]! : finalValue;
  }

  /** ᾱ at an integer training timestep. */
  protected alphaCumulativeAt(timestep: number): number {
    return this.alphasCumulative[timestep]!;
  }

  /** Whether 'linspace' timesteps are rounded to integers (Euler keeps them fractional). */
  protected roundsTimesteps(): boolean {
    return true;
  }

  /** Called after `setTimesteps` chose the timesteps; resets per-run state. */
  protected onTimestepsSet(): void {}

  /** Position of `timestep` in the schedule; throws `SchedulerStateError` before `setTimesteps`. */
  protected indexOf(timestep: number): number {
    if (this.currentTimesteps.length === 0) {
      throw new SchedulerStateError(
        `${this.name} scheduler: call setTimesteps(numInferenceSteps) before scaleModelInput() or step().`,
      );
    }
    const index = this.currentTimesteps.indexOf(timestep);
    if (index < 0) {
      throw new SchedulerStateError(
        `${this.name} scheduler: timestep ${timestep} is not in the current schedule (${this.currentTimesteps.length} steps from ${this.currentTimesteps[0]}); pass one of scheduler.timesteps.`,
      );
    }
    return index;
  }

  /** Validates step options and returns the timestep's index. */
  protected checkStep(options: SchedulerStepOptions): number {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`step options must be an object, got ${String(options)}.`);
    }
    const index = this.indexOf(options.timestep);
    if (!(options.sample instanceof Float32Array)) {
      throw new TypeError('sample must be a Float32Array.');
    }
    if (!(options.modelOutput instanceof Float32Array)) {
      throw new TypeError('modelOutput must be a Float32Array.');
    }
    checkSameLength(options.sample, options.modelOutput, 'modelOutput');
    return index;
  }

  /** The noise source of a stochastic step; throws `TypeError` when the caller gave none. */
  protected requireRandom(options: SchedulerStepOptions): RandomStream {
    if (options.random === undefined) {
      throw new TypeError(
        `${this.name} scheduler: this step draws noise; pass step({ random: new RandomStream({ seed, stream }) }).`,
      );
    }
    return options.random;
  }
}

/** Throws `RangeError` when two arrays differ in length, naming the second. */
export function checkSameLength(reference: Float32Array, other: Float32Array, parameter: string): void {
  if (reference.length !== other.length) {
    throw new RangeError(`${parameter} has ${other.length} elements but the sample has ${reference.length}.`);
  }
}

/** Checks an integer training timestep in [0, T). */
export function checkTrainTimestep(timestep: number, numTrainTimesteps: number): number {
  if (typeof timestep !== 'number') {
    throw new TypeError(`timestep must be a number, got ${typeof timestep}.`);
  }
  if (!Number.isInteger(timestep) || timestep < 0 || timestep >= numTrainTimesteps) {
    throw new RangeError(`timestep must be an integer in [0, ${numTrainTimesteps}), got ${timestep}.`);
  }
  return timestep;
}
