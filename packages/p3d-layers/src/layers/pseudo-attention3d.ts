import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { spatialAttention } from './spatial-attention.js';
import { temporalAttention } from './temporal-attention.js';

/** Options of `pseudoAttention3d`. */
export interface PseudoAttention3dOptions {
  /** Parameter prefix shared by the spatial (`norm1`, `attn1`, `norm2`, `attn2`) and temporal parts. */
  name: string;
  channels: number;
  heads: number;
  groups: number;
  numFrames: number;
  /** False gives the image model's spatial attention only. */
  temporal: boolean;
  context?: GraphValue;
}

/**
 * Pseudo-3D attention (Make-A-Video, eq. 2): `ATTN_P3D(h) = unflatten(ATTN_1D(ATTN_2D(flatten(h)) ∘ T) ∘ T)`
 * — spatial attention within each frame, then temporal attention across frames at each pixel.
 */
export function pseudoAttention3d(
  graph: GraphBuilder,
  x: GraphValue,
  options: PseudoAttention3dOptions,
): GraphValue {
  const { name, channels, heads, groups, numFrames } = options;
  const spatial = spatialAttention(graph, x, {
    name,
    channels,
    heads,
    groups,
    numFrames,
    ...(options.context ? { context: options.context } : {}),
  });
  if (!options.temporal) return spatial;
  return temporalAttention(graph, spatial, { name, channels, heads, groups, numFrames });
}
