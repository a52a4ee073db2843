import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { conv2d } from './conv2d.js';
import { temporalConv1d } from './temporal-conv1d.js';

/** Options of `pseudoConv3d`. */
export interface PseudoConv3dOptions {
  /**
   * Parameter prefix: the spatial conv is `${name}.weight` / `${name}.bias` (the image model's names), the
   * temporal conv `${name}.temporal_conv.weight` / `.bias`.
   */
  name: string;
  inChannels: number;
  outChannels: number;
  numFrames: number;
  /** False gives the image model's plain conv2d. */
  temporal: boolean;
  kernelSize?: number;
  temporalKernelSize?: number;
}

/**
 * Pseudo-3D convolution (Make-A-Video, eq. 1): `Conv_P3D(h) = Conv1D(Conv2D(h) ∘ T) ∘ T`. The spatial conv
 * runs on each frame (frames folded into the batch, `[(b f) c h w]`), then a temporal 1-D conv runs along
 * the frames at each pixel (as a `(k, 1)` conv over `[b c f (h w)]`), then the layout goes back to
 * `[(b f) c h w]`.
 */
export function pseudoConv3d(graph: GraphBuilder, x: GraphValue, options: PseudoConv3dOptions): GraphValue {
  const spatial = conv2d(graph, x, {
    name: options.name,
    inChannels: options.inChannels,
    outChannels: options.outChannels,
    ...(options.kernelSize === undefined ? {} : { kernelSize: options.kernelSize }),
  });
  if (!options.temporal) return spatial;
  return temporalConv1d(graph, spatial, {
    name: `${options.name}.temporal_conv`,
    channels: options.outChannels,
    numFrames: options.numFrames,
    ...(options.temporalKernelSize === undefined ? {} : { kernelSize: options.temporalKernelSize }),
  });
}
