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
  /**
   * False (default): `time_emb_proj` gives `outChannels` values added to `conv1`'s output. True: it gives
   * `2 · outChannels`, a scale and a shift applied after `norm2` (AdaGN, as in Dhariwal & Nichol's ADM):
   * `norm2(h) · (1 + scale) + shift`.
   */
  scaleShift?: boolean;
}

/**
 * Residual block with embedding injection, on the folded layout `[(b f) c h w]`:
 * `h = conv1(silu(norm1(x))) + time_emb_proj(silu(emb))`, `out = skip(x) + conv2(silu(norm2(h)))`, the
 * embedding `[b e]` broadcast over the frames and pixels of each clip. With `scaleShift` the embedding
 * modulates instead: `out = skip(x) + conv2(silu(norm2(h') · (1 + scale) + shift))`, `h' = conv1(silu(norm1(x)))`,
 * `[scale, shift] = time_emb_proj(silu(emb))`. Both convs are pseudo-3D.
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
  const scaleShift = options.scaleShift ?? false;
  const projected = linear(graph, silu(graph, embedding), {
    name: `${name}.time_emb_proj`,
    inFeatures: options.embeddingChannels,
    outFeatures: scaleShift ? 2 * outChannels : outChannels,
  });
  // [(b f) c h w] over [b f c h w], the embedding's [b 1 c 1 1] broadcast over frames and pixels
  const perClip = (value: GraphValue) => graph.reshape(value, [batch, numFrames, outChannels, height, width]);
  const folded = (value: GraphValue) => graph.reshape(value, [batchFrames, outChannels, height, width]);
  if (scaleShift) {
    // [b 2c] -> scale, shift [b 1 c 1 1] (the first half scales, as torch.chunk splits it)
    const modulation = graph.reshape(projected, [batch, 1, 2 * outChannels, 1, 1]);
    const scale = graph.slice(modulation, 2, 0, outChannels);
    const shift = graph.slice(modulation, 2, outChannels, 2 * outChannels);
    const normed = perClip(groupNorm(graph, h, { name: `${name}.norm2`, channels: outChannels, groups }));
    const gain = graph.add(scale, graph.constant([1], [1]));
    h = silu(graph, folded(graph.add(graph.mul(normed, gain), shift)));
  } else {
    h = folded(graph.add(perClip(h), graph.reshape(projected, [batch, 1, outChannels, 1, 1])));
    h = silu(graph, groupNorm(graph, h, { name: `${name}.norm2`, channels: outChannels, groups }));
  }
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
