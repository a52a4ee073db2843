import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { conv2d } from './conv2d.js';
import { groupNorm } from './group-norm.js';
import { linear } from './linear.js';
import { pseudoConv3d } from './pseudo-conv3d.js';
import { silu } from './silu.js';

/** Options of `resBlock`. */
export interface ResBlockOptions {
  /**
   * Parameter prefix: `norm1`, `conv1` (pseudo-3D), `time_emb_proj`, `norm2`, `conv2` (pseudo-3D) and, when
   * the channel count changes, `conv_shortcut` (1×1).
   */
  name: string;
  inChannels: number;
  outChannels: number;
  /** Channels of the embedding vector (timestep + fps + conditioning). */
  embeddingChannels: number;
  groups: number;
  numFrames: number;
  temporal: boolean;
}

/**
 * Residual block with embedding injection, on the folded layout `[(b f) c h w]`:
 * `h = conv1(silu(norm1(x))) + time_emb_proj(silu(emb))`, `out = skip(x) + conv2(silu(norm2(h)))`, the
 * embedding `[b e]` broadcast over the frames and pixels of each clip. Both convs are pseudo-3D.
 */
export function resBlock(
  graph: GraphBuilder,
  x: GraphValue,
  embedding: GraphValue,
  options: ResBlockOptions,
): GraphValue {
  const { name, inChannels, outChannels, groups, numFrames, temporal } = options;
  const [batchFrames, , height, width] = x.dims as [number, number, number, number];
  const batch = batchFrames / numFrames;
  let h = silu(graph, groupNorm(graph, x, { name: `${name}.norm1`, channels: inChannels, groups }));
  h = pseudoConv3d(graph, h, { name: `${name}.conv1`, inChannels, outChannels, numFrames, temporal });
  const projected = linear(graph, silu(graph, embedding), {
    name: `${name}.time_emb_proj`,
    inFeatures: options.embeddingChannels,
    outFeatures: outChannels,
  });
  // [(b f) c h w] + [b 1 c 1 1] over [b f c h w]
  h = graph.reshape(
    graph.add(
      graph.reshape(h, [batch, numFrames, outChannels, height, width]),
      graph.reshape(projected, [batch, 1, outChannels, 1, 1]),
    ),
    [batchFrames, outChannels, height, width],
  );
  h = silu(graph, groupNorm(graph, h, { name: `${name}.norm2`, channels: outChannels, groups }));
  h = pseudoConv3d(graph, h, {
    name: `${name}.conv2`,
    inChannels: outChannels,
    outChannels,
    numFrames,
    temporal,
  });
  const skip =
    inChannels === outChannels
      ? x
      : conv2d(graph, x, { name: `${name}.conv_shortcut`, inChannels, outChannels, kernelSize: 1 });
  return graph.add(skip, h);
}
