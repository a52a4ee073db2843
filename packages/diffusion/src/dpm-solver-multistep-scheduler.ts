import { SchedulerStateError } from './errors.js';
import { convertPrediction } from './prediction-type.js';
import {
  BaseScheduler,
  type SchedulerOptions,
  type SchedulerStepOptions,
  type SchedulerStepResult,
} from './scheduler.js';
import { spaceTimesteps } from './timestep-spacing.js';

/** Options of `DpmSolverMultistepScheduler`. */
export interface DpmSolverMultistepSchedulerOptions extends SchedulerOptions {
  /** 1 (DDIM-like first order) or 2 (DPM-Solver++ 2M). Default 2. */
  solverOrder?: 1 | 2;
  /** Use the first-order update on the last step when sampling with fewer than 15 steps. Default true. */
  lowerOrderFinal?: boolean;
  /**
   * Noise level after the last step: 'zero' (σ = 0, the sample becomes the final x̂_0) or 'sigma-min'
   * (stop at ᾱ_0, like diffusers' `final_sigmas_type="sigma_min"`). Default 'zero'.
   */
  finalSigmaType?: 'zero' | 'sigma-min';
}

/**
 * DPM-Solver++ 2M, the multistep second-order solver of the diffusion ODE in data-prediction form (Lu et
 * al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models",
 * Algorithm 2). With α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t), λ_t = log(α_t/σ_t), h_i = λ_{t_i} − λ_{t_{i−1}} and
 * the model's data prediction x̂_0 at step i written m_i:
 *
 *     first order (eq. 5, = DDIM):  x_{t_i} = (σ_{t_i}/σ_{t_{i−1}}) x_{t_{i−1}} − α_{t_i} (e^{−h_i} − 1) m_{i−1}
 *     second order:                 D_i = (1 + 1/(2 r_i)) m_{i−1} − 1/(2 r_i) m_{i−2},  r_i = h_{i−1}/h_i
 *                                   x_{t_i} = (σ_{t_i}/σ_{t_{i−1}}) x_{t_{i−1}} − α_{t_i} (e^{−h_i} − 1) D_i
 *
 * The first step (no history) and the final step to σ = 0 use the first-order update. Timesteps, σ and the
 * choice of order are those of diffusers' `DPMSolverMultistepScheduler` (algorithm 'dpmsolver++', solver
 * 'midpoint'). Default timestep spacing: 'linspace'. Deterministic: `step` draws no noise.
 */
export class DpmSolverMultistepScheduler extends BaseScheduler {
  readonly name = 'dpm-solver-multistep';
  readonly stochastic = false;
  readonly solverOrder: 1 | 2;
  readonly lowerOrderFinal: boolean;
  readonly finalSigmaType: 'zero' | 'sigma-min';
  #previousOriginalSample: Float32Array | undefined;
  #previousLambda = 0;
  #nextIndex = 0;

  constructor(options: DpmSolverMultistepSchedulerOptions = {}) {
    super(options, 'linspace');
    this.solverOrder = options.solverOrder ?? 2;
    if (this.solverOrder !== 1 && this.solverOrder !== 2) {
      throw new RangeError(`solverOrder must be 1 or 2, got ${String(this.solverOrder)}.`);
    }
    this.lowerOrderFinal = options.lowerOrderFinal ?? true;
    this.finalSigmaType = options.finalSigmaType ?? 'zero';
    if (this.finalSigmaType !== 'zero' && this.finalSigmaType !== 'sigma-min') {
      throw new RangeError(
        `finalSigmaType must be 'zero' or 'sigma-min', got ${String(this.finalSigmaType)}.`,
      );
    }
  }

  /**
   * diffusers' `DPMSolverMultistepScheduler.set_timesteps`: 'linspace' and 'leading' space n + 1
   * timesteps and drop the last (t = 0 for linspace, ⌊T/(n + 1)⌋ apart for leading), so the final step goes
   * from t ≈ T/(n + 1) straight to the final σ instead of through the nearly clean t = 0, where the
   * step-size ratio r_i would be tiny and the second-order extrapolation unstable; 'trailing' is DDIM's.
   * At n ≥ T, where those n + 1 points would repeat a timestep, every training timestep is used once.
   */
  protected override computeTimesteps(numInferenceSteps: number): number[] {
    if (this.timestepSpacing === 'trailing' || numInferenceSteps >= this.numTrainTimesteps) {
      return super.computeTimesteps(numInferenceSteps);
    }
    return spaceTimesteps({
      spacing: this.timestepSpacing,
      numInferenceSteps,
      numTrainTimesteps: this.numTrainTimesteps,
      stepsOffset: this.stepsOffset,
      dropFinal: true,
    });
  }

  protected override onTimestepsSet(): void {
    this.#previousOriginalSample = undefined;
    this.#nextIndex = 0;
  }

  step(options: SchedulerStepOptions): SchedulerStepResult {
    const index = this.checkStep(options);
    // The first step may start anywhere in the schedule (img2img from a noised sample, as diffusers'
    // step index starts at the first timestep it sees); later steps must follow it in order, since the
    // multistep history belongs to the previous timestep and a jump would silently mix noise levels.
    const starting = this.#previousOriginalSample === undefined && this.#nextIndex === 0;
    if (index !== this.#nextIndex && !starting) {
      throw new SchedulerStateError(
        `dpm-solver-multistep scheduler: step() must follow scheduler.timesteps in order; expected timestep ${this.currentTimesteps[this.#nextIndex]}, got ${options.timestep}. Call setTimesteps() again to restart.`,
      );
    }
    const { modelOutput, sample, timestep } = options;
    const count = this.currentTimesteps.length;
    const isFinal = index === count - 1;

    const alphaCumulative = this.alphasCumulative[timestep]!;
    const alphaSource = Math.sqrt(alphaCumulative);
    const sigmaSource = Math.sqrt(1 - alphaCumulative);
    const alphaCumulativeTarget = this.alphaCumulativeAfter(
      index,
      'schedule',
      this.finalSigmaType === 'zero' ? 1 : this.alphasCumulative[0]!,
    );
    const alphaTarget = Math.sqrt(alphaCumulativeTarget);
    const sigmaTarget = Math.sqrt(1 - alphaCumulativeTarget);

    const predOriginalSample = new Float32Array(sample.length);
    convertPrediction({
      predictionType: this.predictionType,
      alpha: alphaSource,
      sigma: sigmaSource,
      modelOutput,
      sample,
      originalSample: predOriginalSample,
    });

    const lambdaSource = Math.log(alphaSource) - Math.log(sigmaSource);
    // e^{−h} = (σ_t/α_t)/(σ_s/α_s), computed without λ_t so that the final σ_t = 0 gives exactly 0.
    const expMinusH = sigmaTarget / alphaTarget / (sigmaSource / alphaSource);
    const sampleCoefficient = sigmaTarget / sigmaSource;
    const originalCoefficient = -alphaTarget * (expMinusH - 1);

    const useFirstOrder =
      this.solverOrder === 1 ||
      this.#previousOriginalSample === undefined ||
      (isFinal && (this.finalSigmaType === 'zero' || (this.lowerOrderFinal && count < 15)));

    const prevSample = new Float32Array(sample.length);
    if (useFirstOrder) {
      for (let element = 0; element < sample.length; element++) {
        prevSample[element] =
          sampleCoefficient * sample[element]! + originalCoefficient * predOriginalSample[element]!;
      }
    } else {
      const previous = this.#previousOriginalSample!;
      const h = -Math.log(expMinusH);
      const ratio = (lambdaSource - this.#previousLambda) / h;
      const currentWeight = 1 + 1 / (2 * ratio);
      const previousWeight = -1 / (2 * ratio);
      for (let element = 0; element < sample.length; element++) {
        const extrapolated =
          currentWeight * predOriginalSample[element]! + previousWeight * previous[element]!;
        prevSample[element] = sampleCoefficient * sample[element]! + originalCoefficient * extrapolated;
      }
    }
    this.#previousOriginalSample = predOriginalSample.slice();
    this.#previousLambda = lambdaSource;
    this.#nextIndex = index + 1;
    return { prevSample, predOriginalSample };
  }
}
