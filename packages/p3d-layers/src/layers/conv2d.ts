import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** Parameter prefix: declares `${name}.weight` `[out, in, k, k]` and `${name}.bias` `[out]`. */
  name: string;
  inChannels: number;
  outChannels: number;
  /** Square kernel size. Default 3. */
  kernelSize?: number;
  /** Default 1. */
  stride?: number;
  /** Zero padding on every side. Default `floor(kernelSize / 2)` ("same" for stride 1). */
  padding?: number;
  /** Marks the parameters as temporal (added by inflation). Default false. */
  temporal?: boolean;
}

/** 2-D convolution with bias over NCHW: `[n in h w] -> [n out h' w']`. */
export function conv2d(graph: GraphBuilder, x: GraphValue, options: Conv2dOptions): GraphValue {
  const kernelSize = options.kernelSize ?? 3;
  const padding = options.padding ?? Math.floor(kernelSize / 2);
  const stride = options.stride ?? 1;
  const fanIn = options.inChannels * kernelSize * kernelSize;
  const temporal = { temporal: options.temporal ?? false };
  const weight = graph.parameter(
    `${options.name}.weight`,
    [options.outChannels, options.inChannels, kernelSize, kernelSize],
    { kind: 'fanIn', fanIn },
    temporal,
  );
  const bias = graph.parameter(`${options.name}.bias`, [options.outChannels], { kind: 'shift' }, temporal);
  return graph.conv(x, weight, bias, {
    strides: [stride, stride],
    pads: [padding, padding, padding, padding],
  });
}
