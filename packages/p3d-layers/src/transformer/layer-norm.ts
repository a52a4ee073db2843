import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Parameter prefix: `${name}.weight` and `${name}.bias`, both `[channels]`. */
  name: string;
  /** Size of the last axis. */
  channels: number;
  /** Default 1e-5 (PyTorch's `nn.LayerNorm`). */
  epsilon?: number;
}

/**
 * LayerNorm over the last axis (`nn.LayerNorm(channels)`): opset 17's `LayerNormalization` is not in mav's op
 * list, so it is lowered to `InstanceNormalization` on `[... d] -> [(...) 1 d]` (one "instance" per row),
 * then `· weight + bias`.
 */
export function layerNorm(graph: GraphBuilder, x: GraphValue, options: LayerNormOptions): GraphValue {
  const { channels } = options;
  if (x.dims.at(-1) !== channels) {
    throw new RangeError(
      `layerNorm '${options.name}': input [${x.dims.join(', ')}] does not end in ${channels}.`,
    );
  }
  const rows = x.dims.slice(0, -1).reduce((product, dim) => product * dim, 1);
  // [... d] -> [(...) 1 d]
  const normalized = graph.reshape(
    graph.instanceNorm(graph.reshape(x, [rows, 1, channels]), options.epsilon ?? 1e-5),
    x.dims,
  );
  const weight = graph.parameter(`${options.name}.weight`, [channels], { kind: 'scale' });
  const bias = graph.parameter(`${options.name}.bias`, [channels], { kind: 'shift' });
  return graph.add(graph.mul(normalized, weight), bias);
}
