import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from '../layers/linear.js';
import { layerNorm } from './layer-norm.js';

/** Options of `transformerBlock`. */
export interface TransformerBlockOptions {
  /** Parameter prefix, e.g. `encoder.layers.0`. */
  name: string;
  /** Width d of the states `[b n d]`. */
  width: number;
  heads: number;
  /** MLP hidden width as a multiple of `width`. */
  mlpRatio: number;
  /** Causal self-attention (a token sees itself and the tokens before it). */
  causal?: boolean;
}

/**
 * Quick GELU, CLIP's activation: `x · sigmoid(1.702 x)` (Sigmoid + Mul; opset 17 has no Gelu).
 */
export function quickGelu(graph: GraphBuilder, x: GraphValue): GraphValue {
  return graph.mul(x, graph.unary('Sigmoid', graph.mul(x, graph.constant([1.702], [1]))));
}

/**
 * Multi-head self-attention with biased projections (`${name}.{q,k,v,out}_proj`, CLIP's names) over
 * `[b n d]`, optionally causal: an additive mask of −1e9 above the diagonal before the softmax (exp
 * underflows to exactly 0 in float32, so masked tokens have no influence at all).
 */
export function selfAttention(
  graph: GraphBuilder,
  x: GraphValue,
  options: { name: string; width: number; heads: number; causal?: boolean },
): GraphValue {
  const { width, heads } = options;
  const [batch, length] = x.dims as [number, number, number];
  const headDim = width / heads;
  const project = (suffix: string) =>
    linear(graph, x, { name: `${options.name}.${suffix}`, inFeatures: width, outFeatures: width });
  // [b n d] -> [b n heads e] -> [b heads n e]   (keys: [b heads e n])
  const split = (value: GraphValue, perm: number[]) =>
    graph.transpose(graph.reshape(value, [batch, length, heads, headDim]), perm);
  const q = split(project('q_proj'), [0, 2, 1, 3]);
  const k = split(project('k_proj'), [0, 2, 3, 1]);
  const v = split(project('v_proj'), [0, 2, 1, 3]);
  let scores = graph.mul(graph.matmul(q, k), graph.constant([1 / Math.sqrt(headDim)], [1]));
  if (options.causal) {
    const mask = new Float32Array(length * length);
    for (let row = 0; row < length; row++) {
      for (let column = row + 1; column < length; column++) mask[row * length + column] = -1e9;
    }
    scores = graph.add(scores, graph.constant(mask, [1, 1, length, length]));
  }
  // [b heads n e] -> [b n heads e] -> [b n d]
  const merged = graph.reshape(graph.transpose(graph.matmul(graph.softmax(scores), v), [0, 2, 1, 3]), [
    batch,
    length,
    width,
  ]);
  return linear(graph, merged, { name: `${options.name}.out_proj`, inFeatures: width, outFeatures: width });
}

/**
 * One pre-LN transformer block (CLIP encoder layer), `[b n d] -> [b n d]`:
 * `h = x + self_attn(layer_norm1(x))`, `out = h + mlp.fc2(quickGelu(mlp.fc1(layer_norm2(h))))`.
 */
export function transformerBlock(
  graph: GraphBuilder,
  x: GraphValue,
  options: TransformerBlockOptions,
): GraphValue {
  const { name, width } = options;
  const attended = selfAttention(
    graph,
    layerNorm(graph, x, { name: `${name}.layer_norm1`, channels: width }),
    {
      name: `${name}.self_attn`,
      width,
      heads: options.heads,
      causal: options.causal ?? false,
    },
  );
  const h = graph.add(x, attended);
  const hidden = width * options.mlpRatio;
  const expanded = linear(graph, layerNorm(graph, h, { name: `${name}.layer_norm2`, channels: width }), {
    name: `${name}.mlp.fc1`,
    inFeatures: width,
    outFeatures: hidden,
  });
  const mlp = linear(graph, quickGelu(graph, expanded), {
    name: `${name}.mlp.fc2`,
    inFeatures: hidden,
    outFeatures: width,
  });
  return graph.add(h, mlp);
}

/**
 * The state at one position of a sequence, `[b n d] -> [b d]`, as a MatMul with a constant one-hot row
 * (mav's op list has no Gather/Slice).
 */
export function selectPosition(graph: GraphBuilder, x: GraphValue, position: number): GraphValue {
  const [batch, length, width] = x.dims as [number, number, number];
  const selector = new Float32Array(length);
  selector[position] = 1;
  // [1 1 n] × [b n d] -> [b 1 d] -> [b d]
  return graph.reshape(graph.matmul(graph.constant(selector, [1, 1, length]), x), [batch, width]);
}

/** A learned vector `[d]` repeated over the batch as one sequence position: `[b 1 d]`. */
export function batchedVector(graph: GraphBuilder, vector: GraphValue, batch: number): GraphValue {
  const width = vector.dims.at(-1)!;
  return graph.add(
    graph.constant(new Float32Array(batch * width), [batch, 1, width]),
    graph.reshape(vector, [1, 1, width]),
  );
}
