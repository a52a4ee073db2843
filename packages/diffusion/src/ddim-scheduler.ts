import { convertPrediction } from './prediction-type.js';
import { checkPreviousTimestep, clip, type PreviousTimestep } from './previous-timestep.js';
import type { SchedulerOptions, SchedulerStepOptions, SchedulerStepResult } from './scheduler.js';
import { BaseScheduler } from './scheduler.js';

/** Options of `DdimScheduler`. */
export interface DdimSchedulerOptions extends SchedulerOptions {
  /** η: 0 is deterministic DDIM, 1 matches DDPM's posterior variance (Song et al. 2021, eq. 16). Default 0. */
  eta?: number;
  /** The final ᾱ, used once the step goes below t = 0: 1 when true, else ᾱ_0. Default true. */
  setAlphaToOne?: boolean;
  /** Clip x̂_0 to [−clipSampleRange, clipSampleRange]. Default false (diffusers: true). */
  clipSample?: boolean;
  /** Bound of `clipSample`. Default 1. */
  clipSampleRange?: number;
  /**
   * Re-derive ε̂ = (x_t − √ᾱ_t x̂_0)/√(1 − ᾱ_t) from the (clipped) x̂_0 for the direction term, as Song et
   * al.'s reference code and GLIDE do; false uses the model's ε̂ (diffusers' `use_clipped_model_output`
   * default). Only matters with `clipSample`. Default false.
   */
  useClippedModelOutput?: boolean;
  /** Where each step goes (see `PreviousTimestep`). Default 'stride', diffusers' t − ⌊T/n⌋. */
  previousTimestep?: PreviousTimestep;
}

/**
 * DDIM (Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models").
 *
 * From t to the previous timestep s (s = t − ⌊T/n⌋ as in diffusers' `DDIMScheduler.step`, ᾱ_s the final
 * ᾱ once s < 0), with ε̂ and x̂_0 from the model:
 *
 *     σ_t = η √((1 − ᾱ_s)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_s)                                        (eq. 16)
 *     x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ_t²) ε̂ + σ_t z,   z ~ N(0, I)                          (eq. 12)
 *
 * η = 0 is the deterministic DDIM sampler (no randomness after the initial noise). Default timestep
 * spacing: 'leading'.
 */
export class DdimScheduler extends BaseScheduler {
  readonly name = 'ddim';
  readonly eta: number;
  readonly setAlphaToOne: boolean;
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  readonly useClippedModelOutput: boolean;
  readonly previousTimestep: PreviousTimestep;

  constructor(options: DdimSchedulerOptions = {}) {
    super(options, 'leading');
    this.eta = options.eta ?? 0;
    if (typeof this.eta !== 'number' || !(this.eta >= 0)) {
      throw new RangeError(`eta must be a number ≥ 0, got ${String(this.eta)}.`);
    }
    this.setAlphaToOne = options.setAlphaToOne ?? true;
    this.clipSample = options.clipSample ?? false;
    this.clipSampleRange = options.clipSampleRange ?? 1;
    if (!(this.clipSampleRange > 0)) {
      throw new RangeError(`clipSampleRange must be positive, got ${this.clipSampleRange}.`);
    }
    this.useClippedModelOutput = options.useClippedModelOutput ?? false;
    this.previousTimestep = checkPreviousTimestep(options.previousTimestep);
  }

  /** True when η > 0. */
  get stochastic(): boolean {
    return this.eta > 0;
  }

  /** ᾱ below t = 0: 1 with `setAlphaToOne`, else ᾱ_0 (diffusers' `final_alpha_cumprod`). */
  get finalAlphaCumulative(): number {
    return this.setAlphaToOne ? 1 : this.alphasCumulative[0]!;
  }

  step(options: SchedulerStepOptions): SchedulerStepResult {
    const index = this.checkStep(options);
    const { modelOutput, sample, timestep } = options;
    const alphaCumulative = this.alphasCumulative[timestep]!;
    const alphaCumulativePrev = this.alphaCumulativeAfter(
      index,
      this.previousTimestep,
      this.finalAlphaCumulative,
    );
    const alpha = Math.sqrt(alphaCumulative);
    const sigma = Math.sqrt(1 - alphaCumulative);

    const predOriginalSample = new Float32Array(sample.length);
    const epsilon = new Float32Array(sample.length);
    convertPrediction({
      predictionType: this.predictionType,
      alpha,
      sigma,
      modelOutput,
      sample,
      originalSample: predOriginalSample,
      epsilon,
    });
    if (this.clipSample) clip(predOriginalSample, this.clipSampleRange);
    if (this.useClippedModelOutput) {
      for (let element = 0; element < sample.length; element++) {
        epsilon[element] = (sample[element]! - alpha * predOriginalSample[element]!) / sigma;
      }
    }

    const noiseStd =
      this.eta *
      Math.sqrt(Math.max((1 - alphaCumulativePrev) / (1 - alphaCumulative), 0)) *
      Math.sqrt(Math.max(1 - alphaCumulative / alphaCumulativePrev, 0));
    const originalCoefficient = Math.sqrt(alphaCumulativePrev);
    const epsilonCoefficient = Math.sqrt(Math.max(1 - alphaCumulativePrev - noiseStd * noiseStd, 0));
    const noise = noiseStd > 0 ? this.requireRandom(options).normal(sample.length) : undefined;

    const prevSample = new Float32Array(sample.length);
    for (let element = 0; element < sample.length; element++) {
      const deterministic =
        originalCoefficient * predOriginalSample[element]! + epsilonCoefficient * epsilon[element]!;
      prevSample[element] = noise === undefined ? deterministic : deterministic + noiseStd * noise[element]!;
    }
    return { prevSample, predOriginalSample };
  }
}
