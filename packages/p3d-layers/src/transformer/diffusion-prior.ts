import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from '../layers/linear.js';
import { embeddingMlp, sinusoidalEmbedding } from '../layers/timestep-embedding.js';
import { layerNorm } from './layer-norm.js';
import { batchedVector, selectPosition, transformerBlock } from './transformer-block.js';
import { type PriorConfig, resolvePriorConfig } from './transformer-config.js';

/** Input and output names of the prior graph. */
export const priorNames = {
  /** `[b D]`: the noised image embedding x_t. */
  sample: 'sample',
  /** `[b]` float32: the diffusion timestep. */
  timestep: 'timestep',
  /** `[b D]`: the CLIP text embedding x_e. */
  textEmbedding: 'text_embedding',
  /** `[b n Wt]`: the text encoder's token states. */
  textTokens: 'text_tokens',
  /** `[b D]`: the predicted clean image embedding ŷ_0. */
  output: 'model_output',
} as const;

/**
 * Declares the diffusion prior P (see `PriorConfig`). The sequence, `[b (n + 4) W]`:
 *
 *     text_tokens_proj(text_tokens)           n positions
 *     text_embedding_proj(text_embedding)     1
 *     time_embedding(sinusoidal(timestep))    1   (linear_1 → SiLU → linear_2, as the UNet's)
 *     sample_proj(sample)                     1   (the noised image embedding)
 *     learned_query                           1
 *
 * plus `position_embedding.weight`, then pre-LN blocks `layers.{i}` (full attention), `final_layer_norm`,
 * and `output_proj` of the state at the learned query → the clean image embedding (x_0 prediction).
 */
export function declarePrior(graph: GraphBuilder, config: PriorConfig, options: { batch: number }) {
  const resolved = resolvePriorConfig(config);
  const { embeddingDim, textWidth, textLength, width } = resolved;
  const batch = options.batch;
  const length = textLength + 4;
  const sample = graph.input(priorNames.sample, graph.dtype, [batch, embeddingDim]);
  const timestep = graph.input(priorNames.timestep, 'float32', [batch]);
  const textEmbedding = graph.input(priorNames.textEmbedding, graph.dtype, [batch, embeddingDim]);
  const textTokens = graph.input(priorNames.textTokens, graph.dtype, [batch, textLength, textWidth]);
  // [b D] -> [b 1 W]
  const position = (value: GraphValue, name: string, inFeatures: number) =>
    graph.reshape(linear(graph, value, { name, inFeatures, outFeatures: width }), [batch, 1, width]);
  const time = embeddingMlp(graph, sinusoidalEmbedding(graph, timestep, width), {
    name: 'time_embedding',
    inFeatures: width,
    outFeatures: width,
  });
  const query = graph.parameter('learned_query', [width], { kind: 'fanIn', fanIn: 1 });
  const sequence = graph.concat(
    [
      linear(graph, textTokens, { name: 'text_tokens_proj', inFeatures: textWidth, outFeatures: width }),
      position(textEmbedding, 'text_embedding_proj', embeddingDim),
      graph.reshape(time, [batch, 1, width]),
      position(sample, 'sample_proj', embeddingDim),
      batchedVector(graph, query, batch),
    ],
    1,
  );
  const positionTable = graph.parameter('position_embedding.weight', [length, width], {
    kind: 'fanIn',
    fanIn: 1,
  });
  let h: GraphValue = graph.add(sequence, positionTable);
  for (let layer = 0; layer < resolved.layers; layer++) {
    h = transformerBlock(graph, h, {
      name: `layers.${layer}`,
      width,
      heads: resolved.heads,
      mlpRatio: resolved.mlpRatio,
    });
  }
  const readout = selectPosition(
    graph,
    layerNorm(graph, h, { name: 'final_layer_norm', channels: width }),
    length - 1,
  );
  const output = linear(graph, readout, {
    name: 'output_proj',
    inFeatures: width,
    outFeatures: embeddingDim,
  });
  graph.output(output, priorNames.output);
}
