import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { attention } from './attention.js';
import { framePositionTable } from './frame-position-embedding.js';
import { groupNorm } from './group-norm.js';

/** Options of `temporalAttention`. */
export interface TemporalAttentionOptions {
  /**
   * Parameter prefix: `${name}.temporal_norm` (GroupNorm) and `${name}.temporal_attention` (to_q, to_k, to_v,
   * to_out).
   */
  name: string;
  channels: number;
  heads: number;
  groups: number;
  numFrames: number;
}

/**
 * Attention over the frames at each pixel, residual: `x + to_out(attn(norm(x) + P))`, on the folded layout
 * `[(b f) c h w]` via `[(b h w) c f]`. `P` is the fixed sinusoidal frame-position table
 * (`framePositionTable`) added after the GroupNorm, so the attention knows frame order. Inflation zeroes
 * `to_out`, which makes the layer exactly the identity.
 */
export function temporalAttention(
  graph: GraphBuilder,
  x: GraphValue,
  options: TemporalAttentionOptions,
): GraphValue {
  const { channels, heads, groups, numFrames } = options;
  const [batchFrames, , height, width] = x.dims as [number, number, number, number];
  const batch = batchFrames / numFrames;
  const pixels = height * width;
  // [(b f) c h w] -> [b f c (h w)] -> [b (h w) c f] -> [(b h w) c f]
  let h = graph.reshape(x, [batch, numFrames, channels, pixels]);
  h = graph.reshape(graph.transpose(h, [0, 3, 2, 1]), [batch * pixels, channels, numFrames]);
  h = groupNorm(graph, h, { name: `${options.name}.temporal_norm`, channels, groups, temporal: true });
  h = graph.add(h, graph.constant(framePositionTable(channels, numFrames), [channels, numFrames]));
  // [(b h w) c f] -> [(b h w) f c]
  h = graph.transpose(h, [0, 2, 1]);
  h = attention(graph, h, {
    name: `${options.name}.temporal_attention`,
    channels,
    heads,
    temporal: true,
    zeroOutput: true,
  });
  // [(b h w) f c] -> [b (h w) f c] -> [b f c (h w)] -> [(b f) c h w]
  h = graph.transpose(graph.reshape(h, [batch, pixels, numFrames, channels]), [0, 2, 3, 1]);
  return graph.add(x, graph.reshape(h, [batchFrames, channels, height, width]));
}
