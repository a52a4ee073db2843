import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { conv2d } from './conv2d.js';

/** Options of `downsample`. */
export interface DownsampleOptions {
  /** Parameter prefix: declares `${name}.conv` (3×3, stride 2). */
  name: string;
  channels: number;
}

/** Halves height and width with a 3×3 stride-2 conv (padding 1), per frame: `[n c h w] -> [n c h/2 w/2]`. */
export function downsample(graph: GraphBuilder, x: GraphValue, options: DownsampleOptions): GraphValue {
  return conv2d(graph, x, {
    name: `${options.name}.conv`,
    inChannels: options.channels,
    outChannels: options.channels,
    stride: 2,
    padding: 1,
  });
}
