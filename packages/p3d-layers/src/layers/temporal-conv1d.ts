import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** Options of `temporalConv1d`. */
export interface TemporalConv1dOptions {
  /** Parameter prefix: declares `${name}.weight` `[c, c, k]` and `${name}.bias` `[c]`. */
  name: string;
  channels: number;
  /** Frames folded into the batch axis of the input. */
  numFrames: number;
  /** Kernel size along time (odd). Default 3. */
  kernelSize?: number;
}

/**
 * 1-D convolution along time at every pixel, "same" zero padding, on the folded video layout
 * `[(b f) c h w]`. Lowered as a 1-D `Conv` over `[(b h w) c f]` (never a 3-D Conv). It is not residual:
 * inflation sets its kernel to the dirac identity (`w[o, i, k] = [o = i][k = centre]`) and its bias to
 * zero, which makes it exactly the identity.
 */
export function temporalConv1d(
  graph: GraphBuilder,
  x: GraphValue,
  options: TemporalConv1dOptions,
): GraphValue {
  const kernelSize = options.kernelSize ?? 3;
  if (kernelSize % 2 !== 1) {
    throw new RangeError(`kernelSize of '${options.name}' must be odd, got ${kernelSize}.`);
  }
  const { channels, numFrames } = options;
  const [batchFrames, , height, width] = x.dims as [number, number, number, number];
  const batch = batchFrames / numFrames;
  const weight = graph.parameter(
    `${options.name}.weight`,
    [channels, channels, kernelSize],
    { kind: 'fanIn', fanIn: channels * kernelSize, identity: 'dirac' },
    { temporal: true },
  );
  const bias = graph.parameter(
    `${options.name}.bias`,
    [channels],
    { kind: 'shift', identity: 'zeros' },
    { temporal: true },
  );
  // [(b f) c h w] -> [b f c (h w)] -> [b (h w) c f] -> [(b h w) c f]
  let h = graph.reshape(x, [batch, numFrames, channels, height * width]);
  h = graph.transpose(h, [0, 3, 2, 1]);
  h = graph.reshape(h, [batch * height * width, channels, numFrames]);
  const pad = (kernelSize - 1) / 2;
  h = graph.conv(h, weight, bias, { strides: [1], pads: [pad, pad] });
  // [(b h w) c f] -> [b (h w) c f] -> [b f c (h w)] -> [(b f) c h w]
  h = graph.reshape(h, [batch, height * width, channels, numFrames]);
  h = graph.transpose(h, [0, 3, 2, 1]);
  return graph.reshape(h, [batchFrames, channels, height, width]);
}
