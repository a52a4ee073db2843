import { attribute, decodeModel, encodeModel, model, node, tensorProto, valueInfo } from '@mav/onnx-proto';
import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { createOnnxruntimeWebBackend } from './onnxruntime-web-backend.js';
import { padConvInputChannels } from './webgpu-conv-workaround.js';

function convModel(channels: number, group = 1): Uint8Array {
  const random = new RandomStream({ seed: 9, stream: channels });
  return encodeModel(
    model({
      graph: {
        name: 'conv',
        node: [
          node({
            opType: 'Conv',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: [attribute.ints('pads', [1, 1, 1, 1]), attribute.int('group', group)],
          }),
        ],
        input: [valueInfo('x', 'float32', [2, channels, 5, 5])],
        output: [valueInfo('y', 'float32', [2, 6, 5, 5])],
        initializer: [
          tensorProto({
            name: 'w',
            elementType: 'float32',
            dims: [6, channels / group, 3, 3],
            data: random.normal((6 * channels * 9) / group),
          }),
          tensorProto({ name: 'b', elementType: 'float32', dims: [6], data: random.normal(6) }),
        ],
      },
    }),
  );
}

describe('padConvInputChannels (the WebGPU Conv workaround)', () => {
  it('pads 6 and 9 input channels to 8 and 12 and computes exactly the same outputs', async () => {
    const backend = createOnnxruntimeWebBackend({ executionProvider: 'wasm' });
    for (const [channels, padded] of [
      [6, 8],
      [9, 12],
    ] as const) {
      const original = convModel(channels);
      const rewritten = padConvInputChannels(original);
      expect(rewritten).toBeDefined();
      const graph = decodeModel(rewritten!).graph;
      expect(graph.node.map((entry) => entry.opType)).toEqual(['Pad', 'Conv']);
      const weight = graph.initializer!.find((entry) => entry.name === graph.node[1]!.input[1]);
      expect(weight!.dims).toEqual([6, padded, 3, 3]);
      const x = new Tensor({
        dtype: 'float32',
        dims: [2, channels, 5, 5],
        data: new RandomStream({ seed: 1 }).normal(2 * channels * 25),
      });
      const expected = (await (await backend.createSession(original)).run({ x })).y!.data as Float32Array;
      const actual = (await (await backend.createSession(rewritten!)).run({ x })).y!.data as Float32Array;
      let difference = 0;
      for (let index = 0; index < expected.length; index++)
        difference = Math.max(difference, Math.abs(expected[index]! - actual[index]!));
      expect(difference).toBeLessThan(1e-5);
    }
  });

  it('leaves models alone that need no change', () => {
    expect(padConvInputChannels(convModel(8))).toBeUndefined();
    expect(padConvInputChannels(convModel(3))).toBeUndefined();
    expect(padConvInputChannels(convModel(6, 2))).toBeUndefined();
  });
});
