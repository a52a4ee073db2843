import { checkPositiveInteger } from './noise-schedule.js';

/**
 * How `numInferenceSteps` timesteps are picked from the T training timesteps (the three strategies of
 * Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps Are Flawed", table 2):
 * - `leading`: t_i = i·⌊T/n⌋ + stepsOffset (DDPM/DDIM and Stable Diffusion 1.x default);
 * - `trailing`: t_i = round(T − i·T/n) − 1, so sampling starts at t = T − 1;
 * - `linspace`: n values evenly spaced over [0, T − 1], rounded unless `round` is false (Euler keeps the
 *   fractional values and interpolates σ between training timesteps).
 *
 * Rounding is half-to-even, as numpy's, so that the timesteps equal those of diffusers.
 */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** Options of `spaceTimesteps`. */
export interface TimestepSpacingOptions {
  spacing: TimestepSpacing;
  numInferenceSteps: number;
  numTrainTimesteps: number;
  /** Added to every 'leading' timestep (Stable Diffusion uses 1). Default 0. */
  stepsOffset?: number;
  /** Round 'linspace' timesteps to integers. Default true. */
  round?: boolean;
}

/** The sampling timesteps, from the noisiest (largest t) down. */
export function spaceTimesteps(options: TimestepSpacingOptions): number[] {
  const { spacing } = options;
  const numInferenceSteps = checkPositiveInteger(options.numInferenceSteps, 'numInferenceSteps');
  const numTrainTimesteps = checkPositiveInteger(options.numTrainTimesteps, 'numTrainTimesteps');
  if (numInferenceSteps > numTrainTimesteps) {
    throw new RangeError(
      `numInferenceSteps (${numInferenceSteps}) cannot exceed numTrainTimesteps (${numTrainTimesteps}).`,
    );
  }
  const stepsOffset = options.stepsOffset ?? 0;
  const timesteps: number[] = [];
  switch (spacing) {
    case 'leading': {
      const ratio = Math.floor(numTrainTimesteps / numInferenceSteps);
      for (let index = numInferenceSteps - 1; index >= 0; index--) {
        timesteps.push(Math.min(index * ratio + stepsOffset, numTrainTimesteps - 1));
      }
      return timesteps;
    }
    case 'trailing': {
      const ratio = numTrainTimesteps / numInferenceSteps;
      for (let index = 0; index < numInferenceSteps; index++) {
        timesteps.push(roundHalfEven(numTrainTimesteps - index * ratio) - 1);
      }
      return timesteps;
    }
    case 'linspace': {
      const round = options.round ?? true;
      const last = numTrainTimesteps - 1;
      for (let index = numInferenceSteps - 1; index >= 0; index--) {
        const value = numInferenceSteps === 1 ? last : (last * index) / (numInferenceSteps - 1);
        timesteps.push(round ? roundHalfEven(value) : value);
      }
      return timesteps;
    }
    default:
      throw new RangeError(
        `timestepSpacing must be 'leading', 'trailing' or 'linspace', got ${String(spacing as unknown)}.`,
      );
  }
}

/** Rounds to the nearest integer, ties to even (numpy's `round`). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
