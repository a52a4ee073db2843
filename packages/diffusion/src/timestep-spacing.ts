import { checkPositiveInteger } from './noise-schedule.js';

/**
 * How `numInferenceSteps` timesteps are picked from the T training timesteps (the three strategies of
 * Lin et al. 2024, "Common Diffusion Noise Schedules and Sample Steps Are Flawed", table 2), as diffusers'
 * `DDIMScheduler.set_timesteps` computes them with numpy:
 * - `leading`: t_i = i·⌊T/n⌋ + stepsOffset (DDPM/DDIM and Stable Diffusion 1.x default);
 * - `trailing`: t_i = round(T − i·T/n) − 1, so sampling starts at t = T − 1;
 * - `linspace`: n values evenly spaced over [0, T − 1], rounded unless `round` is false (Euler keeps the
 *   fractional values and interpolates σ between training timesteps).
 *
 * The values are those of numpy's `arange` / `linspace` followed by `round` (half to even), computed with
 * the same floating-point operations, so that they equal diffusers' lists bit for bit.
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
  /**
   * Space n + 1 timesteps and drop the last (cleanest) one, for 'leading' and 'linspace' (diffusers'
   * `DPMSolverMultistepScheduler`: the solver's final step then goes from t ≈ T/(n + 1) straight to
   * σ = 0 rather than through t = 0). 'trailing' is unaffected. Default false.
   */
  dropFinal?: boolean;
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
  // With dropFinal, n + 1 points and the last one dropped.
  const count = options.dropFinal === true ? numInferenceSteps + 1 : numInferenceSteps;
  let timesteps: number[];
  switch (spacing) {
    case 'leading': {
      // (np.arange(0, count) * (T // count)).round()[::-1] + steps_offset
      const ratio = Math.floor(numTrainTimesteps / count);
      timesteps = [];
      for (let index = count - 1; index >= 0; index--) timesteps.push(index * ratio + stepsOffset);
      break;
    }
    case 'trailing': {
      // np.round(np.arange(T, 0, -T / n)) - 1. numpy's arange can yield an (n+1)-th value of about 0
      // (T = 1000, n = 61), which diffusers turns into timestep −1; only the first n are timesteps.
      const values = numpyArange(numTrainTimesteps, 0, -numTrainTimesteps / numInferenceSteps);
      return values.slice(0, numInferenceSteps).map((value) => roundHalfEven(value) - 1);
    }
    case 'linspace': {
      // np.linspace(0, T - 1, count).round()[::-1]
      const round = options.round ?? true;
      const values = numpyLinspace(0, numTrainTimesteps - 1, count).reverse();
      timesteps = round ? values.map(roundHalfEven) : values;
      break;
    }
    default:
      throw new RangeError(
        `timestepSpacing must be 'leading', 'trailing' or 'linspace', got ${String(spacing as unknown)}.`,
      );
  }
  if (options.dropFinal === true) timesteps.pop();
  const largest = timesteps[0]!;
  if (largest > numTrainTimesteps - 1) {
    throw new RangeError(
      `stepsOffset ${stepsOffset} puts timestep ${largest} past the last training timestep ${numTrainTimesteps - 1}; use a smaller stepsOffset or fewer steps.`,
    );
  }
  return timesteps;
}

/**
 * numpy's `arange(start, stop, step)` for floats: ⌈(stop − start)/step⌉ values, the first two `start` and
 * `start + step`, then `start + i·delta` with delta = (start + step) − start (numpy's `fill`).
 */
function numpyArange(start: number, stop: number, step: number): number[] {
  const length = Math.max(Math.ceil((stop - start) / step), 0);
  const values: number[] = [];
  if (length > 0) values.push(start);
  if (length > 1) values.push(start + step);
  const delta = start + step - start;
  for (let index = 2; index < length; index++) values.push(start + index * delta);
  return values;
}

/**
 * numpy's `linspace(start, stop, num)` (endpoint included): `i · ((stop − start)/(num − 1)) + start`, the
 * last value set to `stop`; a single value is `start`.
 */
function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const values: number[] = [];
  for (let index = 0; index < num; index++) values.push(index * step + start);
  values[num - 1] = stop;
  return values;
}

/** Rounds to the nearest integer, ties to even (numpy's `round`). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
