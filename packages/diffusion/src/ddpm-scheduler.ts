import { convertPrediction } from './prediction-type.js';
import { checkPreviousTimestep, clip, type PreviousTimestep } from './previous-timestep.js';
import {
  BaseScheduler,
  type SchedulerOptions,
  type SchedulerStepOptions,
  type SchedulerStepResult,
} from './scheduler.js';

/** Options of `DdpmScheduler`. */
export interface DdpmSchedulerOptions extends SchedulerOptions {
  /**
   * Variance of each ancestral step: 'fixed-small' σ_t² = β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t (the true
   * posterior variance for a deterministic x_0) or 'fixed-large' σ_t² = β_t (Ho et al. 2020, §3.2).
   * Default 'fixed-small'.
   */
  varianceType?: 'fixed-small' | 'fixed-large';
  /** Clip x̂_0 to [−clipSampleRange, clipSampleRange] (pixel models in [−1, 1]). Default false. */
  clipSample?: boolean;
  /** Bound of `clipSample`. Default 1. */
  clipSampleRange?: number;
  /** Where each step goes (see `PreviousTimestep`). Default 'stride', diffusers' t − ⌊T/n⌋. */
  previousTimestep?: PreviousTimestep;
}

/**
 * DDPM ancestral sampling (Ho et al. 2020, "Denoising Diffusion Probabilistic Models").
 *
 * From t to the previous timestep s (s = t − ⌊T/n⌋ as in diffusers' `DDPMScheduler.step`, so s = t − 1
 * at 1000 steps; ᾱ_s = 1 once s < 0), with β = 1 − ᾱ_t/ᾱ_s and x̂_0 from the model (eq. 15 for
 * ε-prediction):
 *
 *     μ̃(x_t, x̂_0) = √ᾱ_s β / (1 − ᾱ_t) · x̂_0 + √(ᾱ_t/ᾱ_s) (1 − ᾱ_s) / (1 − ᾱ_t) · x_t     (eq. 7)
 *     x_s = μ̃ + σ_t z,  z ~ N(0, I),  no noise from t = 0                              (Algorithm 2)
 *
 * As in diffusers, noise is added whenever t > 0, so also on a last step from t > 0 ('trailing' spacing,
 * `stepsOffset`), where 'fixed-small' gives σ_t² = 10⁻²⁰ (its floor) and 'fixed-large' σ_t² = β.
 *
 * Unlike diffusers, `clipSample` defaults to false (the scheduler does not assume pixel data in [−1, 1]).
 * Default timestep spacing: 'leading'.
 */
export class DdpmScheduler extends BaseScheduler {
  readonly name = 'ddpm';
  readonly stochastic = true;
  readonly varianceType: 'fixed-small' | 'fixed-large';
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  readonly previousTimestep: PreviousTimestep;

  constructor(options: DdpmSchedulerOptions = {}) {
    super(options, 'leading');
    this.varianceType = options.varianceType ?? 'fixed-small';
    if (this.varianceType !== 'fixed-small' && this.varianceType !== 'fixed-large') {
      throw new RangeError(
        `varianceType must be 'fixed-small' or 'fixed-large', got ${String(this.varianceType)}.`,
      );
    }
    this.clipSample = options.clipSample ?? false;
    this.clipSampleRange = options.clipSampleRange ?? 1;
    if (!(this.clipSampleRange > 0)) {
      throw new RangeError(`clipSampleRange must be positive, got ${this.clipSampleRange}.`);
    }
    this.previousTimestep = checkPreviousTimestep(options.previousTimestep);
  }

  step(options: SchedulerStepOptions): SchedulerStepResult {
    const index = this.checkStep(options);
    const random = this.requireRandom(options);
    const { modelOutput, sample, timestep } = options;
    const alphaCumulative = this.alphasCumulative[timestep]!;
    const alphaCumulativePrev = this.alphaCumulativeAfter(index, this.previousTimestep, 1);
    const beta = 1 - alphaCumulative / alphaCumulativePrev;

    const predOriginalSample = new Float32Array(sample.length);
    convertPrediction({
      predictionType: this.predictionType,
      alpha: Math.sqrt(alphaCumulative),
      sigma: Math.sqrt(1 - alphaCumulative),
      modelOutput,
      sample,
      originalSample: predOriginalSample,
    });
    if (this.clipSample) clip(predOriginalSample, this.clipSampleRange);

    const originalCoefficient = (Math.sqrt(alphaCumulativePrev) * beta) / (1 - alphaCumulative);
    const sampleCoefficient =
      (Math.sqrt(alphaCumulative / alphaCumulativePrev) * (1 - alphaCumulativePrev)) / (1 - alphaCumulative);
    const variance =
      this.varianceType === 'fixed-large'
        ? beta
        : Math.max(((1 - alphaCumulativePrev) / (1 - alphaCumulative)) * beta, 1e-20);
    const noise = timestep > 0 ? random.normal(sample.length) : undefined;
    const noiseScale = Math.sqrt(variance);

    const prevSample = new Float32Array(sample.length);
    for (let element = 0; element < sample.length; element++) {
      const mean = originalCoefficient * predOriginalSample[element]! + sampleCoefficient * sample[element]!;
      prevSample[element] = noise === undefined ? mean : mean + noiseScale * noise[element]!;
    }
    return { prevSample, predOriginalSample };
  }
}
