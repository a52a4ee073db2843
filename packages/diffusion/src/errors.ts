import { defineErrorMarker, MavError } from '@mav/tensor';

const schedulerStateMarker = defineErrorMarker('SchedulerStateError');

/**
 * A scheduler was used out of order: `step` (or `scaleModelInput`) before `setTimesteps`, or with a
 * timestep that is not in its current schedule. The message says which call to make first.
 */
export class SchedulerStateError extends MavError {
  readonly [schedulerStateMarker.marker] = true;
  constructor(message: string) {
    super('scheduler-state', message);
    this.name = 'SchedulerStateError';
  }
  /** True for a `SchedulerStateError` from any copy of this package. */
  static override isInstance(error: unknown): error is SchedulerStateError {
    return schedulerStateMarker.is(error);
  }
}

const nonFiniteMarker = defineErrorMarker('NonFiniteError');

/** Options of `NonFiniteError`. */
export interface NonFiniteErrorOptions {
  /** The stage label of the run (`denoise`'s `stage`, e.g. 'decoder'). */
  stage: string;
  /** The step whose model output held the values, 1 … totalSteps. */
  step: number;
  totalSteps: number;
  /** The timestep of that step. */
  timestep: number;
  /** The model output's name. */
  output: string;
  /** How many elements are NaN or ±Infinity. */
  count: number;
  /** Flat index of the first of them (in the raw output, both guidance halves). */
  firstIndex: number;
  /** Its value (NaN, Infinity or −Infinity). */
  firstValue: number;
}

/**
 * The model returned NaN or ±Infinity during denoising. Such values spread through every later step and
 * come out as a black or noise video, so `denoise` stops at the first one. Carries the stage, the step
 * and where the values are; the usual causes are damaged weights, an fp16 overflow, or NaN inputs.
 */
export class NonFiniteError extends MavError {
  readonly [nonFiniteMarker.marker] = true;
  readonly stage: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly timestep: number;
  readonly output: string;
  readonly count: number;
  readonly firstIndex: number;
  readonly firstValue: number;
  constructor(options: NonFiniteErrorOptions) {
    super(
      'non-finite',
      `Stage '${options.stage}', step ${options.step} of ${options.totalSteps} (timestep ${options.timestep}): the model output '${options.output}' holds ${options.count} non-finite value${options.count === 1 ? '' : 's'} (the first, ${options.firstValue}, at element ${options.firstIndex}). Check the stage's weights for NaN/Inf, its inputs, and, in float16, for overflow (try float32).`,
    );
    this.name = 'NonFiniteError';
    this.stage = options.stage;
    this.step = options.step;
    this.totalSteps = options.totalSteps;
    this.timestep = options.timestep;
    this.output = options.output;
    this.count = options.count;
    this.firstIndex = options.firstIndex;
    this.firstValue = options.firstValue;
  }
  /** True for a `NonFiniteError` from any copy of this package. */
  static override isInstance(error: unknown): error is NonFiniteError {
    return nonFiniteMarker.is(error);
  }
}
