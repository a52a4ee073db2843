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
 * Sinusoidal embedding of a scalar per batch item (timestep, fps, noise level), as in DDPM/diffusers with
 * `flip_sin_to_cos`: `[b] -> [b dim]`, `[cos(t·ω_0) … cos(t·ω_{k−1}), sin(t·ω_0) … sin(t·ω_{k−1})]`.
 * Computed in float32 whatever the graph's type (fp16 loses too much for t up to 1000), then cast.
 */
export function sinusoidalEmbedding(graph: GraphBuilder, scalar: GraphValue, dim: number): GraphValue {
  if (dim % 2 !== 0) {
    throw new RangeError(`sinusoidal embedding dim must be even, got ${dim}.`);
  }
  const batch = scalar.dims[0]!;
  // [b] -> [b 1] · [1 k] -> [b k]
  const phases = graph.mul(
    graph.reshape(graph.cast(scalar, 'float32'), [batch, 1]),
    graph.constant(sinusoidalFrequencies(dim), [1, dim / 2], 'float32'),
  );
  const embedding = graph.concat([graph.unary('Cos', phases), graph.unary('Sin', phases)], 1);
  return graph.cast(embedding, graph.dtype);
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
