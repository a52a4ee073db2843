import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { conv2d } from './conv2d.js';

/** Options of `upsample`. */
export interface UpsampleOptions {
  /** Parameter prefix: declares `${name}.conv` (3×3). */
  name: string;
  channels: number;
}

/** Doubles height and width, per frame: nearest-neighbour ×2 (Resize) then a 3×3 conv. */
export function upsample(graph: GraphBuilder, x: GraphValue, options: UpsampleOptions): GraphValue {
  return conv2d(graph, graph.upsampleNearest(x, 2), {
    name: `${options.name}.conv`,
    inChannels: options.channels,
    outChannels: options.channels,
  });
}
