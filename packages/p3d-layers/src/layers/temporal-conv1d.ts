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
 * `[(b f) c h w]`. Lowered as a 2-D `Conv` with a `(k, 1)` kernel over `[b c f (h w)]` (never a 3-D Conv). It is not residual:
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
  // [(b f) c h w] -> [b f c (h w)] -> [b c f (h w)]: the transpose moves whole frames of h·w contiguous
  // values, and the conv is a 2-D Conv with a (k, 1) kernel (im2col + GEMM in every runtime). The layout
  // that puts time innermost (`[(b h w) c f]`, a 1-D Conv) needs an element-by-element transpose each way
  // and measured 4-8× slower on onnxruntime-node at the SR_l^t and D^t shapes (p3d-layers bench).
  let h = graph.reshape(x, [batch, numFrames, channels, height * width]);
  h = graph.transpose(h, [0, 2, 1, 3]);
  const pad = (kernelSize - 1) / 2;
  const kernel = graph.reshape(weight, [channels, channels, kernelSize, 1]);
  h = graph.conv(h, kernel, bias, { strides: [1, 1], pads: [pad, 0, pad, 0] });
  // [b c f (h w)] -> [b f c (h w)] -> [(b f) c h w]
  h = graph.transpose(h, [0, 2, 1, 3]);
  return graph.reshape(h, [batchFrames, channels, height, width]);
}
