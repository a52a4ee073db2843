import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { type JudgeConfig, judgeAttributes } from './judge-config.js';
import { buildJudge, judgeNames, judgeParameterSpecs } from './judge-network.js';

const config: JudgeConfig = {
  frameSize: 32,
  cropSize: 16,
  channels: [4, 6, 5],
  strides: [1, 2, 2],
  featureDim: 7,
  labels: { shape: ['a', 'b', 'c'], colour: ['x', 'y'], size: ['s', 'm', 'l'], background: ['p', 'q'] },
};

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

const silu = (x: number) => x / (1 + Math.exp(-x));

/** Plain-TypeScript reference: 3×3 conv (padding 1) + SiLU layers, flatten, linear layers. */
function reference(weights: Record<string, Tensor<'float32'>>, input: Float32Array, size: number) {
  let h = input;
  let channels = 3;
  let side = size;
  config.channels.forEach((out, index) => {
    const stride = config.strides[index]!;
    const w = weights[`conv${index + 1}.weight`]!.data;
    const b = weights[`conv${index + 1}.bias`]!.data;
    const next = Math.floor((side + 2 - 3) / stride) + 1;
    const result = new Float32Array(out * next * next);
    for (let o = 0; o < out; o++)
      for (let y = 0; y < next; y++)
        for (let x = 0; x < next; x++) {
          let sum = b[o]!;
          for (let c = 0; c < channels; c++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const iy = y * stride + ky - 1;
                const ix = x * stride + kx - 1;
                if (iy < 0 || ix < 0 || iy >= side || ix >= side) continue;
                sum += w[((o * channels + c) * 3 + ky) * 3 + kx]! * h[(c * side + iy) * side + ix]!;
              }
          result[(o * next + y) * next + x] = silu(sum);
        }
    h = result;
    channels = out;
    side = next;
  });
  const pooled = Array.from(h);
  const dense = (name: string, x: number[], out: number) =>
    Array.from({ length: out }, (_, o) =>
      x.reduce(
        (sum, value, i) => sum + value * weights[`${name}.weight`]!.data[o * x.length + i]!,
        weights[`${name}.bias`]!.data[o]!,
      ),
    );
  const features = dense('features', pooled, config.featureDim).map(silu);
  const logits = Object.fromEntries(
    judgeAttributes.map((attribute) => [
      attribute,
      dense(`heads.${attribute}`, features, config.labels[attribute].length),
    ]),
  );
  return { features, logits };
}

describe('judge network', () => {
  it('declares the tensor names of the PyTorch module', () => {
    expect(judgeParameterSpecs(config).map((spec) => `${spec.name} [${spec.dims.join(' ')}]`)).toEqual([
      'conv1.weight [4 3 3 3]',
      'conv1.bias [4]',
      'conv2.weight [6 4 3 3]',
      'conv2.bias [6]',
      'conv3.weight [5 6 3 3]',
      'conv3.bias [5]',
      'features.weight [7 80]',
      'features.bias [7]',
      'heads.shape.weight [3 7]',
      'heads.shape.bias [3]',
      'heads.colour.weight [2 7]',
      'heads.colour.bias [2]',
      'heads.size.weight [3 7]',
      'heads.size.bias [3]',
      'heads.background.weight [2 7]',
      'heads.background.bias [2]',
    ]);
  });

  it('computes what a plain-TypeScript convolution network computes, on onnxruntime-node', async () => {
    const next = random(7);
    const weights: Record<string, Tensor<'float32'>> = {};
    for (const spec of judgeParameterSpecs(config)) {
      const size = spec.dims.reduce((a, b) => a * b, 1);
      weights[spec.name] = new Tensor({
        dtype: 'float32',
        dims: spec.dims,
        data: Float32Array.from({ length: size }, () => next()),
      });
    }
    const batch = 2;
    const frameSize = 3 * 16 * 16;
    const input = new Tensor({
      dtype: 'float32',
      dims: [batch, 3, 16, 16],
      data: Float32Array.from({ length: batch * frameSize }, () => 2 * next()),
    });
    const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 1 });
    await backend.init();
    const session = await backend.createSession(buildJudge({ config, weights, batch }), {
      label: 'judge-test',
    });
    const outputs = await session.run({ [judgeNames.input]: input });
    for (let row = 0; row < batch; row++) {
      const expected = reference(weights, input.data.subarray(row * frameSize, (row + 1) * frameSize), 16);
      const features = (await outputs[judgeNames.features]!.toHost()).data as Float32Array;
      for (const [k, value] of expected.features.entries())
        expect(features[row * config.featureDim + k]).toBeCloseTo(value, 5);
      for (const attribute of judgeAttributes) {
        const logits = (await outputs[judgeNames.logits(attribute)]!.toHost()).data as Float32Array;
        const classes = config.labels[attribute].length;
        for (const [k, value] of expected.logits[attribute]!.entries())
          expect(logits[row * classes + k]).toBeCloseTo(value, 5);
      }
    }
    await session.release();
  });
});
