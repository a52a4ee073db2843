import type { SchedulerStepOptions, SchedulerStepResult } from './scheduler.js';
import { SigmaScheduler, type SigmaSchedulerOptions } from './sigma-scheduler.js';

/** Options of `EulerDiscreteScheduler`. */
export type EulerDiscreteSchedulerOptions = SigmaSchedulerOptions;

/**
 * Euler's method on the probability-flow ODE dx/dσ = (x − x̂_0(x, σ))/σ (Karras et al. 2022, "Elucidating
 * the Design Space of Diffusion-Based Generative Models", eq. 3 and Algorithm 1 without the second-order
 * correction):
 *
 *     d_i = (x_i − x̂_0)/σ_i,   x_{i+1} = x_i + (σ_{i+1} − σ_i) d_i
 *
 * Deterministic; samples live in x = x_0 + σ ε (start from N(0, I) × `initNoiseSigma`). Default timestep
 * spacing: 'linspace' (fractional timesteps, σ interpolated).
 */
export class EulerDiscreteScheduler extends SigmaScheduler {
  readonly name = 'euler';
  readonly stochastic = false;

  step(options: SchedulerStepOptions): SchedulerStepResult {
    const { sigma, sigmaNext, predOriginalSample } = this.estimateOriginal(options);
    const prevSample = this.eulerStep({
      sample: options.sample,
      predOriginalSample,
      sigma,
      sigmaTarget: sigmaNext,
    });
    return { prevSample, predOriginalSample };
  }
}
