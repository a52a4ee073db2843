import { SchedulerStateError } from './errors.js';
import { convertPrediction } from './prediction-type.js';
import {
  type AddNoiseOptions,
  BaseScheduler,
  checkSameLength,
  type SchedulerOptions,
  type SchedulerStepOptions,
} from './scheduler.js';

/**
 * The initial noise scale of the Euler samplers: 'diffusers' is σ_max for 'linspace' and 'trailing' spacing
 * and √(σ_max² + 1) for 'leading' (diffusers' `init_noise_sigma`); 'unit-variance' is √(σ_max² + 1) for
 * every spacing, the standard deviation of x = x_0 + σ ε for unit-variance data. They differ by a factor
 * 1 + 1/(2σ_max²) (2·10⁻⁵ for the linear 1e-4…0.02 schedule).
 */
export type InitNoiseSigmaRule = 'diffusers' | 'unit-variance';

/** Options of the Euler samplers. */
export interface SigmaSchedulerOptions extends SchedulerOptions {
  /** See `InitNoiseSigmaRule`. Default 'diffusers'. */
  initNoiseSigma?: InitNoiseSigmaRule;
}

/**
 * Shared base of the Euler samplers, which work in the variance-exploding parametrisation of Karras et
 * al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models", §2): x = x_0 + σ ε with
 * σ_t = √((1 − ᾱ_t)/ᾱ_t). The model still sees the variance-preserving input x / √(σ² + 1) (its training
 * input), and the schedule ends at σ = 0. Fractional timesteps ('linspace' spacing keeps them) get σ by
 * linear interpolation between the neighbouring training timesteps.
 */
export abstract class SigmaScheduler extends BaseScheduler {
  /** σ of every training timestep. */
  readonly trainSigmas: Float64Array;
  /** σ of each sampling timestep, then 0; set by `setTimesteps`. */
  protected sigmas: number[] = [];
  readonly initNoiseSigmaRule: InitNoiseSigmaRule;

  constructor(options: SigmaSchedulerOptions = {}) {
    super(options, 'linspace');
    this.trainSigmas = this.alphasCumulative.map((alphaCumulative) =>
      Math.sqrt((1 - alphaCumulative) / alphaCumulative),
    );
    this.initNoiseSigmaRule = options.initNoiseSigma ?? 'diffusers';
    if (this.initNoiseSigmaRule !== 'diffusers' && this.initNoiseSigmaRule !== 'unit-variance') {
      throw new RangeError(
        `initNoiseSigma must be 'diffusers' or 'unit-variance', got ${String(this.initNoiseSigmaRule)}.`,
      );
    }
  }

  /** The scale of the initial N(0, I) noise (see `InitNoiseSigmaRule`). */
  override get initNoiseSigma(): number {
    const sigmaMax = this.sigmas[0] ?? this.trainSigmas[this.numTrainTimesteps - 1]!;
    if (this.initNoiseSigmaRule === 'diffusers' && this.timestepSpacing !== 'leading') return sigmaMax;
    return Math.sqrt(sigmaMax * sigmaMax + 1);
  }

  /** 'linspace' timesteps stay fractional, as float32 values like diffusers' `np.linspace(..., dtype=np.float32)`. */
  protected override computeTimesteps(numInferenceSteps: number): number[] {
    return super.computeTimesteps(numInferenceSteps).map(Math.fround);
  }

  /** σ at a (possibly fractional) training timestep in [0, T − 1]. */
  sigmaAt(timestep: number): number {
    if (typeof timestep !== 'number' || !(timestep >= 0 && timestep <= this.numTrainTimesteps - 1)) {
      throw new RangeError(
        `timestep must be in [0, ${this.numTrainTimesteps - 1}], got ${String(timestep)}.`,
      );
    }
    const low = Math.floor(timestep);
    const high = Math.min(low + 1, this.numTrainTimesteps - 1);
    const fraction = timestep - low;
    return (1 - fraction) * this.trainSigmas[low]! + fraction * this.trainSigmas[high]!;
  }

  protected override roundsTimesteps(): boolean {
    return false;
  }

  protected override onTimestepsSet(): void {
    this.sigmas = [...this.currentTimesteps.map((timestep) => this.sigmaAt(timestep)), 0];
  }

  /** x / √(σ² + 1): the model's variance-preserving input. */
  override scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    const sigma = this.sigmas[this.indexOf(timestep)]!;
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const scaled = new Float32Array(sample.length);
    for (let index = 0; index < sample.length; index++) {
      scaled[index] = sample[index]! * scale;
    }
    return scaled;
  }

  /** x = x_0 + σ_t ε, this sampler's sample space (multiply by `1/√(σ²+1)` for the VP form). */
  override addNoise(options: AddNoiseOptions): Float32Array {
    const { originalSample, noise } = options;
    checkSameLength(originalSample, noise, 'noise');
    const sigma = this.sigmaAt(options.timestep);
    const noisy = new Float32Array(originalSample.length);
    for (let index = 0; index < noisy.length; index++) {
      noisy[index] = originalSample[index]! + sigma * noise[index]!;
    }
    return noisy;
  }

  /**
   * Euler's step of the ODE from σ to `sigmaTarget` with the derivative d = (x − x̂_0)/σ, plus
   * `noiseScale · noise` when noise is given (the ancestral step):
   * x' = x + (σ_target − σ) d + noiseScale · z.
   */
  protected eulerStep(options: {
    sample: Float32Array;
    predOriginalSample: Float32Array;
    sigma: number;
    sigmaTarget: number;
    noise?: Float32Array | undefined;
    noiseScale?: number;
  }): Float32Array {
    const { sample, predOriginalSample, sigma, noise } = options;
    const stepSize = options.sigmaTarget - sigma;
    const noiseScale = options.noiseScale ?? 0;
    const prevSample = new Float32Array(sample.length);
    for (let element = 0; element < sample.length; element++) {
      const derivative = (sample[element]! - predOriginalSample[element]!) / sigma;
      const deterministic = sample[element]! + stepSize * derivative;
      prevSample[element] =
        noise === undefined ? deterministic : deterministic + noiseScale * noise[element]!;
    }
    return prevSample;
  }

  /** σ now, σ next, and x̂_0 from the model's output for `options.sample`. */
  protected estimateOriginal(options: SchedulerStepOptions): {
    sigma: number;
    sigmaNext: number;
    predOriginalSample: Float32Array;
  } {
    const index = this.checkStep(options);
    if (this.sigmas.length !== this.currentTimesteps.length + 1) {
      throw new SchedulerStateError(`${this.name} scheduler: call setTimesteps() before step().`);
    }
    const sigma = this.sigmas[index]!;
    const sigmaNext = this.sigmas[index + 1]!;
    const { sample, modelOutput } = options;
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    const scaled = new Float32Array(sample.length);
    for (let element = 0; element < sample.length; element++) {
      scaled[element] = sample[element]! * scale;
    }
    const predOriginalSample = new Float32Array(sample.length);
    convertPrediction({
      predictionType: this.predictionType,
      alpha: scale,
      sigma: sigma * scale,
      modelOutput,
      sample: scaled,
      originalSample: predOriginalSample,
    });
    return { sigma, sigmaNext, predOriginalSample };
  }
}
