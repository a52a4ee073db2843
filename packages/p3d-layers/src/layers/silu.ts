import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';

/** SiLU (swish): `x · sigmoid(x)`, as Sigmoid + Mul (runs on every execution provider). */
export function silu(graph: GraphBuilder, x: GraphValue): GraphValue {
  return graph.mul(x, graph.unary('Sigmoid', x));
}
