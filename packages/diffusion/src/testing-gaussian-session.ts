// Test-only helpers (not exported from the package): a `Session` whose "model" is the exact
// minimum-mean-squared-error predictor for data drawn from N(μ, s²) per dimension.
import { type RunOptions, type Session, Tensor, throwIfAborted } from '@mav/tensor';
import type { PredictionType } from './prediction-type.js';

/** ᾱ_t of the linear schedule 1e-4 … 0.02 over 1000 steps, written out from Ho et al. 2020 §4. */
export function linearAlphasCumulative(numTrainTimesteps = 1000): Float64Array {
  const alphasCumulative = new Float64Array(numTrainTimesteps);
  let product = 1;
  for (let t = 0; t < numTrainTimesteps; t++) {
    product *= 1 - (0.0001 + ((0.02 - 0.0001) * t) / (numTrainTimesteps - 1));
    alphasCumulative[t] = product;
  }
  return alphasCumulative;
}

/**
 * ᾱ at a possibly fractional timestep, for a model whose input is x / √(σ² + 1) with σ interpolated
 * linearly between integer timesteps (the Euler convention); equals ᾱ_t at integer t.
 */
export function alphaCumulativeAt(alphasCumulative: Float64Array, timestep: number): number {
  const low = Math.floor(timestep);
  if (low === timestep) return alphasCumulative[low]!;
  const sigmaOf = (t: number) => Math.sqrt((1 - alphasCumulative[t]!) / alphasCumulative[t]!);
  const fraction = timestep - low;
  const sigma = (1 - fraction) * sigmaOf(low) + fraction * sigmaOf(low + 1);
  return 1 / (1 + sigma * sigma);
}

/**
 * Exact predictions for x_0 ~ N(μ, s²), x_t = √ᾱ x_0 + √(1 − ᾱ) ε, with V = ᾱ s² + 1 − ᾱ:
 *   E[ε | x_t]   = √(1 − ᾱ) (x_t − √ᾱ μ) / V
 *   E[x_0 | x_t] = μ + √ᾱ s² (x_t − √ᾱ μ) / V
 *   E[v | x_t]   = √ᾱ E[ε | x_t] − √(1 − ᾱ) E[x_0 | x_t]      (v = √ᾱ ε − √(1 − ᾱ) x_0)
 */
export function exactPrediction(
  predictionType: PredictionType,
  alphaCumulative: number,
  mean: number,
  std: number,
  x: number,
): number {
  const alpha = Math.sqrt(alphaCumulative);
  const sigma = Math.sqrt(1 - alphaCumulative);
  const variance = alphaCumulative * std * std + 1 - alphaCumulative;
  const centred = x - alpha * mean;
  const epsilon = (sigma * centred) / variance;
  const original = mean + (alpha * std * std * centred) / variance;
  if (predictionType === 'epsilon') return epsilon;
  if (predictionType === 'sample') return original;
  return alpha * epsilon - sigma * original;
}

/** Options of `gaussianSession`. */
export interface GaussianSessionOptions {
  predictionType: PredictionType;
  mean: number;
  std: number;
  alphasCumulative?: Float64Array;
  /** Called at the start of every run (to abort from inside, or to count). */
  onRun?: (feeds: Readonly<Record<string, Tensor>>) => void;
}

/** What the test session recorded. */
export interface GaussianSession extends Session {
  readonly runs: number;
  /** Every output tensor it returned. */
  readonly outputs: Tensor[];
  readonly released: boolean;
}

/**
 * A `Session` with inputs 'sample' (float32, any shape) and 'timestep' (float32 scalar or [B]) and output
 * 'prediction': the exact predictor above, element by element.
 */
export function gaussianSession(options: GaussianSessionOptions): GaussianSession {
  const alphasCumulative = options.alphasCumulative ?? linearAlphasCumulative();
  const outputs: Tensor[] = [];
  let runs = 0;
  let released = false;
  return {
    inputNames: ['sample', 'timestep'],
    outputNames: ['prediction'],
    inputMetadata: [
      { name: 'sample', dtype: 'float32', dims: undefined },
      { name: 'timestep', dtype: 'float32', dims: undefined },
    ],
    outputMetadata: [{ name: 'prediction', dtype: 'float32', dims: undefined }],
    get runs() {
      return runs;
    },
    get released() {
      return released;
    },
    outputs,
    async run(feeds: Readonly<Record<string, Tensor>>, runOptions?: RunOptions) {
      throwIfAborted(runOptions?.signal, 'Run');
      runs += 1;
      options.onRun?.(feeds);
      const sample = feeds.sample!.data as Float32Array;
      const timestep = (feeds.timestep!.data as Float32Array)[0]!;
      const alphaCumulative = alphaCumulativeAt(alphasCumulative, timestep);
      const prediction = new Float32Array(sample.length);
      for (let index = 0; index < sample.length; index++) {
        prediction[index] = exactPrediction(
          options.predictionType,
          alphaCumulative,
          options.mean,
          options.std,
          sample[index]!,
        );
      }
      const output = new Tensor({ dtype: 'float32', dims: feeds.sample!.dims, data: prediction });
      outputs.push(output);
      return { prediction: output };
    },
    async release() {
      released = true;
    },
  };
}

/** Mean and (population) standard deviation in float64. */
export function moments(values: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let index = 0; index < values.length; index++) squares += (values[index]! - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** A sampler written out as scalar affine maps, for `referenceSamplerMoments`. */
export type ReferenceSampler = 'ddpm' | 'ddim' | 'dpm-solver-2m' | 'euler' | 'euler-ancestral';

/** Options of `referenceSamplerMoments`. */
export interface ReferenceSamplerOptions {
  sampler: ReferenceSampler;
  /** The sampling timesteps, noisiest first. */
  timesteps: readonly number[];
  mean: number;
  std: number;
  /** DDIM's η. */
  eta?: number;
  alphasCumulative?: Float64Array;
  /**
   * Scale of the initial N(0, 1) noise of the Euler samplers (a convention of the sampler: diffusers uses
   * σ_max for 'linspace'). Default √(σ_max² + 1).
   */
  initNoiseSigma?: number;
}

/**
 * The exact output distribution of a sampler fed the exact predictor for N(μ, s²) data. The posterior
 * mean x̂_0 is affine in x, so each step is x' = g·x + h + n·z' (DPM-Solver++ also mixes in the previous
 * x̂_0); starting from x_T = σ_init·z, the output is A·z + B + (independent noise of variance Q). Written
 * from the papers' update equations as scalar maps, independently of the scheduler classes.
 */
export function referenceSamplerMoments(options: ReferenceSamplerOptions): {
  /** Coefficient of the initial standard normal z. */
  scale: number;
  offset: number;
  /** Variance of the noise added along the way. */
  noiseVariance: number;
  mean: number;
  std: number;
} {
  const { sampler, timesteps, mean: mu, std: s } = options;
  const table = options.alphasCumulative ?? linearAlphasCumulative();
  const count = timesteps.length;
  const alphaBar = (index: number) => (index < count ? alphaCumulativeAt(table, timesteps[index]!) : 1);
  // x̂_0 = k·x + c for the VP sample x at ᾱ = a.
  const posterior = (a: number) => {
    const k = (Math.sqrt(a) * s * s) / (a * s * s + 1 - a);
    return { k, c: mu * (1 - k * Math.sqrt(a)) };
  };
  const euler = sampler === 'euler' || sampler === 'euler-ancestral';
  const sigmaOf = (index: number) => {
    const a = alphaBar(index);
    return Math.sqrt((1 - a) / a);
  };
  let scale = euler ? (options.initNoiseSigma ?? Math.sqrt(sigmaOf(0) ** 2 + 1)) : 1;
  let offset = 0;
  let noiseVariance = 0;
  let previous: { scale: number; offset: number; lambda: number } | undefined;
  for (let index = 0; index < count; index++) {
    const a = alphaBar(index);
    const p = alphaBar(index + 1);
    let g: number;
    let h: number;
    let n = 0;
    if (sampler === 'ddpm') {
      // Ho et al. eq. 7 with β = 1 − a/p, fixed-small variance, no noise on the last step.
      const beta = 1 - a / p;
      const c0 = (Math.sqrt(p) * beta) / (1 - a);
      const c1 = (Math.sqrt(a / p) * (1 - p)) / (1 - a);
      const { k, c } = posterior(a);
      g = c0 * k + c1;
      h = c0 * c;
      n = index === count - 1 ? 0 : Math.sqrt(((1 - p) / (1 - a)) * beta);
    } else if (sampler === 'ddim') {
      // Song et al. eq. 12 / 16.
      const eta = options.eta ?? 0;
      const sd = eta * Math.sqrt((1 - p) / (1 - a)) * Math.sqrt(1 - a / p);
      const e = Math.sqrt(1 - p - sd * sd);
      const b = Math.sqrt(1 - a);
      const { k, c } = posterior(a);
      // x' = √p x̂_0 + e (x − √a x̂_0)/b + sd z
      g = Math.sqrt(p) * k + (e * (1 - Math.sqrt(a) * k)) / b;
      h = (Math.sqrt(p) - (e * Math.sqrt(a)) / b) * c;
      n = sd;
    } else if (euler) {
      // Karras et al. Algorithm 1 in x = x_0 + σ ε, x̂_0 = μ + s²(x − μ)/(s² + σ²).
      const sigma = sigmaOf(index);
      const sigmaNext = index + 1 < count ? sigmaOf(index + 1) : 0;
      let sigmaDown = sigmaNext;
      if (sampler === 'euler-ancestral') {
        const up = Math.min(
          sigmaNext,
          Math.sqrt((sigmaNext ** 2 * (sigma ** 2 - sigmaNext ** 2)) / sigma ** 2),
        );
        sigmaDown = Math.sqrt(sigmaNext ** 2 - up ** 2);
        n = up;
      }
      const k = (s * s) / (s * s + sigma * sigma);
      g = 1 + ((sigmaDown - sigma) * (1 - k)) / sigma;
      h = (-(sigmaDown - sigma) * mu * (1 - k)) / sigma;
    } else {
      // Lu et al. 2022 (DPM-Solver++), Algorithm 2; first order on the first and the final step.
      const alpha = Math.sqrt(a);
      const sigma = Math.sqrt(1 - a);
      const alphaNext = Math.sqrt(p);
      const sigmaNext = Math.sqrt(1 - p);
      const lambda = Math.log(alpha / sigma);
      const expMinusH = sigmaNext / alphaNext / (sigma / alpha);
      const { k, c } = posterior(a);
      const current = { scale: k * scale, offset: k * offset + c };
      let dScale = current.scale;
      let dOffset = current.offset;
      if (previous !== undefined && index < count - 1) {
        const r = (lambda - previous.lambda) / -Math.log(expMinusH);
        dScale = (1 + 1 / (2 * r)) * current.scale - (1 / (2 * r)) * previous.scale;
        dOffset = (1 + 1 / (2 * r)) * current.offset - (1 / (2 * r)) * previous.offset;
      }
      const ratio = sigmaNext / sigma;
      const weight = alphaNext * (1 - expMinusH);
      previous = { ...current, lambda };
      scale = ratio * scale + weight * dScale;
      offset = ratio * offset + weight * dOffset;
      continue;
    }
    scale *= g;
    offset = g * offset + h;
    noiseVariance = g * g * noiseVariance + n * n;
  }
  return { scale, offset, noiseVariance, mean: offset, std: Math.sqrt(scale * scale + noiseVariance) };
}
