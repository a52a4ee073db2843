import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { encodeGraph } from '../graph/encode-graph.js';
import { GraphBuilder } from '../graph/graph-builder.js';
import { initParameters } from '../weights/init-parameters.js';
import { buildTransformer, initTransformerWeights } from './build-transformer.js';
import { layerNorm } from './layer-norm.js';

const backend = createOnnxruntimeNodeBackend({ threads: 2 });
const textConfig = {
  vocabSize: 12,
  maxLength: 6,
  width: 8,
  layers: 2,
  heads: 2,
  embeddingDim: 4,
  endTokenId: 2,
};

function oneHot(ids: number[][]): Tensor<'float32'> {
  const tensor = new Tensor({ dtype: 'float32', dims: [ids.length, 6, 12] });
  ids.forEach((row, b) => {
    row.forEach((id, position) => {
      tensor.data[(b * 6 + position) * 12 + id] = 1;
    });
  });
  return tensor;
}

describe('transformer networks', () => {
  it('layerNorm matches a plain TypeScript LayerNorm', async () => {
    const graph = new GraphBuilder({ dtype: 'float32' });
    const x = graph.input('x', 'float32', [2, 3, 5]);
    graph.output(layerNorm(graph, x, { name: 'ln', channels: 5 }), 'y');
    const weights = initParameters(graph.parameters, { seed: 4 });
    const session = await backend.createSession(encodeGraph(graph, { weights }).modelBytes);
    const input = new RandomStream({ seed: 1, stream: 1 }).normal(30);
    const { y } = await session.run({ x: new Tensor({ dtype: 'float32', dims: [2, 3, 5], data: input }) });
    const gain = weights['ln.weight']!.data;
    const shift = weights['ln.bias']!.data;
    for (let row = 0; row < 6; row++) {
      const values = Array.from(input.subarray(row * 5, row * 5 + 5));
      const mean = values.reduce((a, b) => a + b, 0) / 5;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
      values.forEach((value, c) => {
        const expected = ((value - mean) / Math.sqrt(variance + 1e-5)) * gain[c]! + shift[c]!;
        expect((y!.data as Float32Array)[row * 5 + c]).toBeCloseTo(expected, 5);
      });
    }
    await session.release();
  });

  it('the text encoder is causal and pools the projected state at the end token', async () => {
    const network = { kind: 'textEncoder', config: textConfig } as const;
    const weights = initTransformerWeights({ network, seed: 3 });
    const built = buildTransformer({ network, weights, batch: 2 });
    const session = await backend.createSession(built.modelBytes);
    // Rows differ only at position 3 (after the end token at 2 in row 0... both rows end at position 4).
    const out = await session.run({
      input_one_hot: oneHot([
        [1, 5, 6, 7, 2, 0],
        [1, 5, 6, 9, 2, 0],
      ]),
    });
    const states = out.last_hidden_state!.data as Float32Array;
    const embeds = out.text_embeds!.data as Float32Array;
    const state = (b: number, position: number) =>
      Array.from(states.subarray((b * 6 + position) * 8, (b * 6 + position + 1) * 8));
    for (let position = 0; position < 3; position++) expect(state(1, position)).toEqual(state(0, position));
    expect(state(1, 3)).not.toEqual(state(0, 3));
    // text_embeds = text_projection · state at the end token (position 4).
    const projection = weights['text_projection.weight']!.data;
    for (let b = 0; b < 2; b++) {
      const pooled = state(b, 4);
      for (let d = 0; d < 4; d++) {
        const expected = pooled.reduce((sum, value, w) => sum + value * projection[d * 8 + w]!, 0);
        expect(embeds[b * 4 + d]).toBeCloseTo(expected, 5);
      }
    }
    await session.release();
  });

  it('the prior and image encoder build and run with the documented shapes', async () => {
    const prior = buildTransformer({
      network: {
        kind: 'prior',
        config: { embeddingDim: 4, textWidth: 8, textLength: 6, width: 8, layers: 1, heads: 2 },
      },
    });
    expect(prior.inputs.map((input) => [input.name, input.dims])).toEqual([
      ['sample', [1, 4]],
      ['timestep', [1]],
      ['text_embedding', [1, 4]],
      ['text_tokens', [1, 6, 8]],
    ]);
    const image = buildTransformer({
      network: {
        kind: 'imageEncoder',
        config: { imageSize: 8, patchSize: 4, width: 8, layers: 1, heads: 2, embeddingDim: 4 },
      },
    });
    const session = await backend.createSession(image.modelBytes);
    const { image_embeds } = await session.run({
      pixel_values: new Tensor({
        dtype: 'float32',
        dims: [1, 3, 8, 8],
        data: new RandomStream({ seed: 2 }).normal(192),
      }),
    });
    expect(image_embeds!.dims).toEqual([1, 4]);
    expect(Array.from(image_embeds!.data as Float32Array).every(Number.isFinite)).toBe(true);
    await session.release();
  });
});
