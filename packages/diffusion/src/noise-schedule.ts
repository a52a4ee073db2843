/**
 * Beta schedules of the forward (noising) process q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I), with
 * ᾱ_t = Π_{s ≤ t} (1 − β_s) (Ho et al. 2020, eq. 4).
 *
 * - `linear`: β_t evenly spaced from `betaStart` to `betaEnd` (Ho et al. 2020; 1e-4 … 0.02).
 * - `scaled-linear`: √β_t evenly spaced from √betaStart to √betaEnd (latent / Stable Diffusion models;
 *   0.00085 … 0.012).
 * - `squared-cosine`: ᾱ(t) = cos²(((t/T) + 0.008)/1.008 · π/2), β_t = min(1 − ᾱ(t+1)/ᾱ(t), maxBeta)
 *   (Nichol & Dhariwal 2021, eq. 17; the cap keeps β_t < 1 near t = T).
 */
export type BetaScheduleKind = 'linear' | 'scaled-linear' | 'squared-cosine';

/** Options of `betaSchedule`. */
export interface BetaScheduleOptions {
  /** Which schedule. Default 'linear'. */
  kind?: BetaScheduleKind;
  /** Number of training timesteps T. Default 1000. */
  numTrainTimesteps?: number;
  /** First β of the linear schedules. Default 0.0001 ('linear') or 0.00085 ('scaled-linear'). */
  betaStart?: number;
  /** Last β of the linear schedules. Default 0.02 ('linear') or 0.012 ('scaled-linear'). */
  betaEnd?: number;
  /** Cap on β of 'squared-cosine'. Default 0.999. */
  maxBeta?: number;
}

/** β_0 … β_{T−1} of a schedule, in float64. */
export function betaSchedule(options: BetaScheduleOptions = {}): Float64Array {
  const kind = options.kind ?? 'linear';
  const numTrainTimesteps = options.numTrainTimesteps ?? 1000;
  checkPositiveInteger(numTrainTimesteps, 'numTrainTimesteps');
  const betas = new Float64Array(numTrainTimesteps);
  const last = Math.max(numTrainTimesteps - 1, 1);
  switch (kind) {
    case 'linear': {
      const start = checkBeta(options.betaStart ?? 0.0001, 'betaStart');
      const end = checkBeta(options.betaEnd ?? 0.02, 'betaEnd');
      for (let t = 0; t < numTrainTimesteps; t++) {
        betas[t] = start + ((end - start) * t) / last;
      }
      return betas;
    }
    case 'scaled-linear': {
      const start = Math.sqrt(checkBeta(options.betaStart ?? 0.00085, 'betaStart'));
      const end = Math.sqrt(checkBeta(options.betaEnd ?? 0.012, 'betaEnd'));
      for (let t = 0; t < numTrainTimesteps; t++) {
        const root = start + ((end - start) * t) / last;
        betas[t] = root * root;
      }
      return betas;
    }
    case 'squared-cosine': {
      const maxBeta = checkBeta(options.maxBeta ?? 0.999, 'maxBeta');
      const alphaBar = (fraction: number) => Math.cos(((fraction + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
      for (let t = 0; t < numTrainTimesteps; t++) {
        const ratio = alphaBar((t + 1) / numTrainTimesteps) / alphaBar(t / numTrainTimesteps);
        betas[t] = Math.min(1 - ratio, maxBeta);
      }
      return betas;
    }
    default:
      throw new RangeError(
        `kind must be 'linear', 'scaled-linear' or 'squared-cosine', got ${String(kind as unknown)}.`,
      );
  }
}

/** ᾱ_t = Π_{s ≤ t} (1 − β_s) for every t, in float64. */
export function alphasCumulativeProduct(betas: ArrayLike<number>): Float64Array {
  const alphasCumulative = new Float64Array(betas.length);
  let product = 1;
  for (let t = 0; t < betas.length; t++) {
    product *= 1 - betas[t]!;
    alphasCumulative[t] = product;
  }
  return alphasCumulative;
}

function checkBeta(value: number, parameter: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${parameter} must be a number, got ${typeof value}.`);
  }
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${parameter} must be in (0, 1), got ${value}.`);
  }
  return value;
}

/** Throws unless `value` is a positive safe integer. */
export function checkPositiveInteger(value: number, parameter: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${parameter} must be a number, got ${typeof value}.`);
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${parameter} must be a positive integer, got ${value}.`);
  }
  return value;
}
