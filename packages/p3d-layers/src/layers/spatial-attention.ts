import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { attention } from './attention.js';
import { groupNorm } from './group-norm.js';

/** Options of `spatialAttention`. */
export interface SpatialAttentionOptions {
  /**
   * Parameter prefix: `${name}.norm1` + `${name}.attn1` (self-attention) and, with `context`, `${name}.norm2`
   * + `${name}.attn2` (cross-attention).
   */
  name: string;
  channels: number;
  heads: number;
  groups: number;
  numFrames: number;
  /** Conditioning tokens `[b m d]` for cross-attention (shared by the frames of a clip). */
  context?: GraphValue;
}

/**
 * Attention over the `h·w` pixels of each frame, on the folded layout `[(b f) c h w]`: a residual
 * self-attention (GroupNorm first), then, with `context`, a residual cross-attention to the conditioning
 * tokens. Frames never see each other here.
 */
export function spatialAttention(
  graph: GraphBuilder,
  x: GraphValue,
  options: SpatialAttentionOptions,
): GraphValue {
  const { channels, heads, groups, numFrames } = options;
  const [batchFrames, , height, width] = x.dims as [number, number, number, number];
  const batch = batchFrames / numFrames;
  // [(b f) c h w] -> [b f c (h w)] -> [b f (h w) c]
  const toTokens = (h: GraphValue) =>
    graph.transpose(graph.reshape(h, [batch, numFrames, channels, height * width]), [0, 1, 3, 2]);
  const fromTokens = (h: GraphValue) =>
    graph.reshape(graph.transpose(h, [0, 1, 3, 2]), [batchFrames, channels, height, width]);
  const normed = groupNorm(graph, x, { name: `${options.name}.norm1`, channels, groups });
  let h = graph.add(
    x,
    fromTokens(attention(graph, toTokens(normed), { name: `${options.name}.attn1`, channels, heads })),
  );
  if (options.context) {
    const [contextBatch, length, contextChannels] = options.context.dims as [number, number, number];
    // [b m d] -> [b 1 m d]: broadcasts over the frames
    const context = graph.reshape(options.context, [contextBatch, 1, length, contextChannels]);
    const normed2 = groupNorm(graph, h, { name: `${options.name}.norm2`, channels, groups });
    h = graph.add(
      h,
      fromTokens(
        attention(graph, toTokens(normed2), { name: `${options.name}.attn2`, channels, heads, context }),
      ),
    );
  }
  return h;
}
