import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from './linear.js';
import { silu } from './silu.js';

/**
 * The frequencies of the sinusoidal embedding of `dim` channels: `ω_i = exp(−ln(10000) · i / (dim/2))`,
 * `i < dim/2`, rounded to float32 (as stored in the graph).
 */
export function sinusoidalFrequencies(dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  return Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
}

/**
 * 2π split for Cody–Waite reduction: `twoPiHigh` = 201/32 has 8 significant bits, so `k · twoPiHigh` is exact
 * in float32 for k < 2^16; `twoPiLow` = fl32(2π − twoPiHigh) carries the rest.
 */
const twoPiHigh = 6.28125;
const twoPiLow = Math.fround(2 * Math.PI - twoPiHigh);

/**
 * `phase` reduced in-graph to [−π, π] (float32) before sin/cos: WGSL (onnxruntime-web WebGPU) promises
 * sin/cos to 2^-11 only on [−π, π] and nothing outside it, and the polynomials of `sinCos` need it too.
 * Two-constant Cody–Waite reduction: k = round(phase / 2π), r = (phase − k·C1) − k·C2. Both products'
 * rounding is harmless: k·C1 is exact and `phase − k·C1` is exact (Sterbenz-like: both on the same grid),
 * so r is within ~k·2^-24·C2 of the true remainder of the float32 phase (≈ 10^-8 for phases up to 1000).
 *
 * `Floor` is not among the ops mav's backends are checked for, so k = trunc(phase/2π + 0.5) is a Cast to
 * int32 and back: the nearest integer for the non-negative phases mav feeds (timesteps, fps, noise levels).
 * A negative phase gets k at most one too large, r in [−3π, π]: still exact, only less reduced.
 */
function reducePhase(graph: GraphBuilder, phase: GraphValue): GraphValue {
  const scalar = (value: number) => graph.constant([value], [1], 'float32');
  const turns = graph.add(graph.mul(phase, scalar(1 / (2 * Math.PI))), scalar(0.5));
  const k = graph.cast(graph.cast(turns, 'int32'), 'float32');
  return graph.sub(graph.sub(phase, graph.mul(k, scalar(twoPiHigh))), graph.mul(k, scalar(twoPiLow)));
}

/**
 * Sinusoidal embedding of a scalar per batch item (timestep, fps, noise level), as in DDPM/diffusers with
 * `flip_sin_to_cos`: `[b] -> [b dim]`, `[cos(t·ω_0) … cos(t·ω_{k−1}), sin(t·ω_0) … sin(t·ω_{k−1})]`.
 * Computed in float32 whatever the graph's type (fp16 loses too much for t up to 1000), then cast. The
 * phases t·ω are reduced to [−π, π] in the graph (`reducePhase`) and their sin/cos evaluated as polynomials
 * (`sinCos`), so that every backend gives the same values to ~4·10^-7 (measured: CPU, WASM and WebGPU).
 */
export function sinusoidalEmbedding(graph: GraphBuilder, scalar: GraphValue, dim: number): GraphValue {
  if (dim % 2 !== 0) {
    throw new RangeError(`sinusoidal embedding dim must be even, got ${dim}.`);
  }
  const batch = scalar.dims[0]!;
  // [b] -> [b 1] · [1 k] -> [b k]
  const phases = reducePhase(
    graph,
    graph.mul(
      graph.reshape(graph.cast(scalar, 'float32'), [batch, 1]),
      graph.constant(sinusoidalFrequencies(dim), [1, dim / 2], 'float32'),
    ),
  );
  const { sin, cos } = sinCos(graph, phases);
  const embedding = graph.concat([cos, sin], 1);
  return graph.cast(embedding, graph.dtype);
}

/** `c_0·x^n + … + c_n` by Horner's rule, in float32. */
function horner(graph: GraphBuilder, x: GraphValue, coefficients: readonly number[]): GraphValue {
  const scalar = (value: number) => graph.constant([value], [1], 'float32');
  let sum: GraphValue = scalar(coefficients[0]!);
  for (const coefficient of coefficients.slice(1)) sum = graph.add(graph.mul(sum, x), scalar(coefficient));
  return sum;
}

function factorial(n: number): number {
  let product = 1;
  for (let factor = 2; factor <= n; factor++) product *= factor;
  return product;
}

/** Taylor coefficients of sin(r)/r in r², highest first: (−1)^j / (2j+1)!, j = 8 … 0. */
const sinCoefficients = [8, 7, 6, 5, 4, 3, 2, 1, 0].map((j) => (-1) ** j / factorial(2 * j + 1));
/** Taylor coefficients of cos(r) in r², highest first: (−1)^j / (2j)!, j = 9 … 0. */
const cosCoefficients = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((j) => (-1) ** j / factorial(2 * j));

/**
 * sin and cos of a reduced phase r ∈ [−π, π] as polynomials (Mul/Add only). The truncation error is below
 * π^19/19! ≈ 2·10^-8 (sin) and π^20/20! ≈ 4·10^-9 (cos); float32 evaluation adds a few 10^-7. Why not the
 * Sin/Cos ops: WGSL only promises them to 2^-11 on [−π, π], and SwiftShader's (measured) are off by
 * ~1.9·10^-4 there even after reduction, where this is the same ~4·10^-7 on every backend.
 */
function sinCos(graph: GraphBuilder, r: GraphValue): { sin: GraphValue; cos: GraphValue } {
  const squared = graph.mul(r, r);
  return {
    sin: graph.mul(r, horner(graph, squared, sinCoefficients)),
    cos: horner(graph, squared, cosCoefficients),
  };
}

/** Options of `embeddingMlp`. */
export interface EmbeddingMlpOptions {
  /** Parameter prefix: `${name}.linear_1` `[out, in]` and `${name}.linear_2` `[out, out]`. */
  name: string;
  inFeatures: number;
  outFeatures: number;
  temporal?: boolean;
  /** True makes `linear_2` zero at inflation, so the embedding adds nothing until trained. */
  zeroOutput?: boolean;
}

/** `linear_2(silu(linear_1(e)))`: the MLP that maps a sinusoidal (or conditioning) vector to the embedding. */
export function embeddingMlp(graph: GraphBuilder, x: GraphValue, options: EmbeddingMlpOptions): GraphValue {
  const temporal = options.temporal ?? false;
  const h = linear(graph, x, {
    name: `${options.name}.linear_1`,
    inFeatures: options.inFeatures,
    outFeatures: options.outFeatures,
    temporal,
  });
  return linear(graph, silu(graph, h), {
    name: `${options.name}.linear_2`,
    inFeatures: options.outFeatures,
    outFeatures: options.outFeatures,
    temporal,
    ...(options.zeroOutput ? { identity: 'zeros' as const } : {}),
  });
}
