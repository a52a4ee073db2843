import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** Options of `groupNorm`. */
export interface GroupNormOptions {
  /** Parameter prefix: declares `${name}.weight` and `${name}.bias`, both `[channels]`. */
  name: string;
  channels: number;
  groups: number;
  /** Default 1e-5. */
  epsilon?: number;
  temporal?: boolean;
  /** What the parameters are at inflation when `temporal` (the identity of a norm is not defined). */
  identity?: 'ones';
}

/**
 * Group normalisation over `[n c ...]`: each group of `c / groups` channels is normalised over its channels
 * and remaining axes, then scaled and shifted per channel. Opset 17 has no GroupNormalization, so it is
 * lowered as `[n c ...] -> [n groups (c/groups ...)]`, InstanceNormalization (scale 1, bias 0), reshape back,
 * then `x · weight + bias` with `[c 1 ...]` broadcasting.
 */
export function groupNorm(graph: GraphBuilder, x: GraphValue, options: GroupNormOptions): GraphValue {
  const { channels, groups } = options;
  if (channels % groups !== 0 || x.dims[1] !== channels) {
    throw new RangeError(
      `groupNorm '${options.name}': ${channels} channels in ${groups} groups does not fit input [${x.dims.join(', ')}].`,
    );
  }
  const temporal = { temporal: options.temporal ?? false };
  const weight = graph.parameter(
    `${options.name}.weight`,
    [channels],
    { kind: 'scale', identity: 'ones' },
    temporal,
  );
  const bias = graph.parameter(
    `${options.name}.bias`,
    [channels],
    { kind: 'shift', identity: 'zeros' },
    temporal,
  );
  // [n c ...] -> [n groups (c/groups ...)]
  const grouped = graph.reshape(x, [x.dims[0]!, groups, -1]);
  const normalised = graph.reshape(graph.instanceNorm(grouped, options.epsilon ?? 1e-5), x.dims);
  const trailing = x.dims.slice(2).map(() => 1);
  return graph.add(
    graph.mul(normalised, graph.reshape(weight, [channels, ...trailing])),
    graph.reshape(bias, [channels, ...trailing]),
  );
}
