import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** Options of `linear`. */
export interface LinearOptions {
  /** Parameter prefix: declares `${name}.weight` `[out, in]` and, with `bias`, `${name}.bias` `[out]`. */
  name: string;
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  temporal?: boolean;
  /** What the parameters are at inflation when `temporal` ('zeros' for zero-initialised output projections). */
  identity?: 'zeros';
}

/**
 * Affine map over the last axis: `y = x · Wᵀ + b`, `[... in] -> [... out]`. The weight keeps PyTorch's
 * `[out, in]` layout in the model; a Transpose of the initializer (folded by the runtime at load) feeds
 * MatMul.
 */
export function linear(graph: GraphBuilder, x: GraphValue, options: LinearOptions): GraphValue {
  const temporal = { temporal: options.temporal ?? false };
  const identity = options.identity === undefined ? {} : { identity: options.identity };
  const weight = graph.parameter(
    `${options.name}.weight`,
    [options.outFeatures, options.inFeatures],
    { kind: 'fanIn', fanIn: options.inFeatures, ...identity },
    temporal,
  );
  const product = graph.matmul(x, graph.transpose(weight, [1, 0]));
  if (options.bias === false) return product;
  const bias = graph.parameter(
    `${options.name}.bias`,
    [options.outFeatures],
    { kind: 'shift', ...identity },
    temporal,
  );
  return graph.add(product, bias);
}
