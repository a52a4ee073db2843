import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from '../layers/linear.js';
import { layerNorm } from './layer-norm.js';
import { transformerBlock } from './transformer-block.js';
import { resolveTextEncoderConfig, type TextEncoderConfig } from './transformer-config.js';

/** Input and output names of the text encoder graph. */
export const textEncoderNames = {
  /** `[b n V]` float: one-hot token ids (row i is the one-hot of token i). */
  input: 'input_one_hot',
  /** `[b D]`: the pooled, projected CLIP text embedding x_e. */
  embedding: 'text_embeds',
  /** `[b n W]`: per-token states after the final LayerNorm (for cross-attention in the prior/decoder). */
  tokens: 'last_hidden_state',
} as const;

/**
 * Declares the text encoder C_x into `graph` (see `TextEncoderConfig`):
 *
 *     h = one_hot · token_embedding + position_embedding        [b n V] × [V W] -> [b n W]
 *     h = encoder.layers.{i}(h)  (causal)                         pre-LN blocks
 *     last_hidden_state = final_layer_norm(h)
 *     text_embeds = text_projection(last_hidden_state at the end token)   [b W] -> [b D]
 *
 * Tokens come in one-hot (a MatMul with the embedding table equals an embedding lookup; mav's op list has
 * no Gather), and the end token's position is found in the graph as the one-hot column of `endTokenId`:
 * the tokenizer must put exactly one end token in each row (pad with a different id).
 */
export function declareTextEncoder(
  graph: GraphBuilder,
  config: TextEncoderConfig,
  options: { batch: number },
) {
  const resolved = resolveTextEncoderConfig(config);
  const { vocabSize, maxLength, width } = resolved;
  const batch = options.batch;
  const oneHot = graph.input(textEncoderNames.input, graph.dtype, [batch, maxLength, vocabSize]);
  const tokenTable = graph.parameter('embeddings.token_embedding.weight', [vocabSize, width], {
    kind: 'fanIn',
    fanIn: 1,
  });
  const positionTable = graph.parameter('embeddings.position_embedding.weight', [maxLength, width], {
    kind: 'fanIn',
    fanIn: 1,
  });
  let h: GraphValue = graph.add(graph.matmul(oneHot, tokenTable), positionTable);
  for (let layer = 0; layer < resolved.layers; layer++) {
    h = transformerBlock(graph, h, {
      name: `encoder.layers.${layer}`,
      width,
      heads: resolved.heads,
      mlpRatio: resolved.mlpRatio,
      causal: true,
    });
  }
  const states = layerNorm(graph, h, { name: 'final_layer_norm', channels: width });
  // [b n V] × [V 1] -> [b n 1] -> [b 1 n]: 1 at the end token
  const endColumn = new Float32Array(vocabSize);
  endColumn[resolved.endTokenId] = 1;
  const endSelector = graph.transpose(
    graph.matmul(oneHot, graph.constant(endColumn, [vocabSize, 1])),
    [0, 2, 1],
  );
  // [b 1 n] × [b n W] -> [b 1 W] -> [b W]
  const pooled = graph.reshape(graph.matmul(endSelector, states), [batch, width]);
  const embedding = linear(graph, pooled, {
    name: 'text_projection',
    inFeatures: width,
    outFeatures: resolved.embeddingDim,
    bias: false,
  });
  graph.output(embedding, textEncoderNames.embedding);
  graph.output(states, textEncoderNames.tokens);
}
