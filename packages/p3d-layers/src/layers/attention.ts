import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from './linear.js';

/** Options of `attention`. */
export interface AttentionOptions {
  /**
   * Parameter prefix: `${name}.to_q`, `${name}.to_k`, `${name}.to_v` (no bias) and `${name}.to_out` (with
   * bias), all linear layers.
   */
  name: string;
  /** Channels of the queries (and of the output). */
  channels: number;
  /** Number of heads; must divide `channels`. */
  heads: number;
  /**
   * Cross-attention: keys and values come from this context `[... m d]` instead of `x`. Its leading axes
   * broadcast against `x`'s (e.g. `[b 1 m d]` against `[b f n c]`).
   */
  context?: GraphValue;
  temporal?: boolean;
  /** True makes `to_out` zero at inflation (a temporal attention inside a residual). */
  zeroOutput?: boolean;
}

/**
 * Multi-head scaled dot-product attention (self- or cross-): `[... n c] -> [... n c]`,
 * `softmax(Q Kᵀ / √d) V` per head, lowered to MatMul + Softmax + MatMul with explicit Reshape/Transpose for
 * the heads (no fused or contrib ops).
 */
export function attention(graph: GraphBuilder, x: GraphValue, options: AttentionOptions): GraphValue {
  const { channels, heads } = options;
  if (channels % heads !== 0) {
    throw new RangeError(`attention '${options.name}': ${heads} heads do not divide ${channels} channels.`);
  }
  const context = options.context ?? x;
  const contextChannels = context.dims.at(-1)!;
  const temporal = options.temporal ?? false;
  const project = (input: GraphValue, suffix: string, inFeatures: number) =>
    linear(graph, input, {
      name: `${options.name}.${suffix}`,
      inFeatures,
      outFeatures: channels,
      bias: false,
      temporal,
    });
  const query = project(x, 'to_q', channels);
  const key = project(context, 'to_k', contextChannels);
  const value = project(context, 'to_v', contextChannels);
  const headDim = channels / heads;
  const lead = x.dims.length - 2;
  const leadAxes = Array.from({ length: lead }, (_, axis) => axis);
  // [... n c] -> [... n heads d] -> [... heads n d]   (keys: [... heads d m])
  const split = (input: GraphValue, perm: number[]) =>
    graph.transpose(graph.reshape(input, [...input.dims.slice(0, -1), heads, headDim]), [
      ...leadAxes,
      ...perm,
    ]);
  const q = split(query, [lead + 1, lead, lead + 2]);
  const k = split(key, [lead + 1, lead + 2, lead]);
  const v = split(value, [lead + 1, lead, lead + 2]);
  const scale = graph.constant([1 / Math.sqrt(headDim)], [1]);
  const weights = graph.softmax(graph.mul(graph.matmul(q, k), scale));
  // [... heads n d] -> [... n heads d] -> [... n c]
  const merged = graph.reshape(
    graph.transpose(graph.matmul(weights, v), [...leadAxes, lead + 1, lead, lead + 2]),
    [...x.dims.slice(0, -1), channels],
  );
  return linear(graph, merged, {
    name: `${options.name}.to_out`,
    inFeatures: channels,
    outFeatures: channels,
    temporal,
    ...(options.zeroOutput ? { identity: 'zeros' as const } : {}),
  });
}
