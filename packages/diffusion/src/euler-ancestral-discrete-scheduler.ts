import type { SchedulerStepOptions, SchedulerStepResult } from './scheduler.js';
import { SigmaScheduler, type SigmaSchedulerOptions } from './sigma-scheduler.js';

/** Options of `EulerAncestralDiscreteScheduler`. */
export type EulerAncestralDiscreteSchedulerOptions = SigmaSchedulerOptions;

/**
 * Euler ancestral sampling: an Euler step of the ODE (Karras et al. 2022, Algorithm 1) down to σ_down,
 * then fresh noise up to σ_{i+1}, so that each step samples the DDPM-style posterior (the ancestral split
 * of k-diffusion's `sample_euler_ancestral`, the reverse SDE of Song et al. 2021b with η = 1):
 *
 *     σ_up = min(σ_{i+1}, √(σ_{i+1}² (σ_i² − σ_{i+1}²) / σ_i²)),   σ_down = √(σ_{i+1}² − σ_up²)
 *     d_i = (x_i − x̂_0)/σ_i,   x_{i+1} = x_i + (σ_down − σ_i) d_i + σ_up z,   z ~ N(0, I)
 *
 * Stochastic: `step` needs `random`. No noise on the final step (σ_{i+1} = 0). Default timestep spacing:
 * 'linspace'.
 */
export class EulerAncestralDiscreteScheduler extends SigmaScheduler {
  readonly name = 'euler-ancestral';
  readonly stochastic = true;

  step(options: SchedulerStepOptions): SchedulerStepResult {
    const random = this.requireRandom(options);
    const { sigma, sigmaNext, predOriginalSample } = this.estimateOriginal(options);
    const { sample } = options;
    const sigmaUp = Math.min(
      sigmaNext,
      Math.sqrt(
        Math.max((sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext)) / (sigma * sigma), 0),
      ),
    );
    const sigmaDown = Math.sqrt(Math.max(sigmaNext * sigmaNext - sigmaUp * sigmaUp, 0));
    const noise = sigmaUp > 0 ? random.normal(sample.length) : undefined;
    const prevSample = this.eulerStep({
      sample,
      predOriginalSample,
      sigma,
      sigmaTarget: sigmaDown,
      noise,
      noiseScale: sigmaUp,
    });
    return { prevSample, predOriginalSample };
  }
}
