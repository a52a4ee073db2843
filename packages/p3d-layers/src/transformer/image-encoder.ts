import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { linear } from '../layers/linear.js';
import { layerNorm } from './layer-norm.js';
import { batchedVector, selectPosition, transformerBlock } from './transformer-block.js';
import { type ImageEncoderConfig, resolveImageEncoderConfig } from './transformer-config.js';

/** Input and output names of the image encoder graph. */
export const imageEncoderNames = {
  /** `[b 3 H W]`: RGB in [−1, 1] (no CLIP mean/std normalisation). */
  input: 'pixel_values',
  /** `[b D]`: the CLIP image embedding y_e. */
  embedding: 'image_embeds',
} as const;

/**
 * Declares the ViT-style CLIP image encoder (see `ImageEncoderConfig`):
 *
 *     patches = patch_embedding(pixel_values)                  [b 3 H W] -> [b W h w] -> [b (h w) W]
 *     h = [class_embedding, patches] + position_embedding      [b (1 + h w) W]
 *     h = encoder.layers.{i}(pre_layrnorm(h))                  (HF spells it `pre_layrnorm`)
 *     image_embeds = visual_projection(post_layernorm(h[:, 0]))
 */
export function declareImageEncoder(
  graph: GraphBuilder,
  config: ImageEncoderConfig,
  options: { batch: number },
) {
  const resolved = resolveImageEncoderConfig(config);
  const { imageSize, patchSize, width } = resolved;
  const batch = options.batch;
  const grid = imageSize / patchSize;
  const length = 1 + grid * grid;
  const pixels = graph.input(imageEncoderNames.input, graph.dtype, [batch, 3, imageSize, imageSize]);
  const patchWeight = graph.parameter('embeddings.patch_embedding.weight', [width, 3, patchSize, patchSize], {
    kind: 'fanIn',
    fanIn: 3 * patchSize * patchSize,
  });
  const patches = graph.conv(pixels, patchWeight, undefined, { strides: [patchSize, patchSize] });
  // [b W h w] -> [b W (h w)] -> [b (h w) W]
  const tokens = graph.transpose(graph.reshape(patches, [batch, width, grid * grid]), [0, 2, 1]);
  const classEmbedding = graph.parameter('embeddings.class_embedding', [width], { kind: 'fanIn', fanIn: 1 });
  const positionTable = graph.parameter('embeddings.position_embedding.weight', [length, width], {
    kind: 'fanIn',
    fanIn: 1,
  });
  let h: GraphValue = graph.add(
    graph.concat([batchedVector(graph, classEmbedding, batch), tokens], 1),
    positionTable,
  );
  h = layerNorm(graph, h, { name: 'pre_layrnorm', channels: width });
  for (let layer = 0; layer < resolved.layers; layer++) {
    h = transformerBlock(graph, h, {
      name: `encoder.layers.${layer}`,
      width,
      heads: resolved.heads,
      mlpRatio: resolved.mlpRatio,
    });
  }
  const pooled = layerNorm(graph, selectPosition(graph, h, 0), { name: 'post_layernorm', channels: width });
  const embedding = linear(graph, pooled, {
    name: 'visual_projection',
    inFeatures: width,
    outFeatures: resolved.embeddingDim,
    bias: false,
  });
  graph.output(embedding, imageEncoderNames.embedding);
}
