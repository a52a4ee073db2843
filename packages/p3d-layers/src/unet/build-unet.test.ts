import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, OnnxDataType } from '@mav/onnx-proto';
import { float16ToFloat32, RandomStream, Tensor } from '@mav/tensor';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../test/layer-harness.js';
import { graphOps } from '../graph/graph-builder.js';
import { maxAbsDiff } from '../testing/reference-layers.js';
import {
  buildUNet,
  initUNetWeights,
  unetFlops,
  unetParameterCount,
  unetParameterSpecs,
} from './build-unet.js';
import { imageConfigOf, resolveUNetConfig, type UNetConfig } from './unet-config.js';
import { smallVideoUNetConfig } from './unet-presets.js';

function normal(dims: number[], stream: number): Tensor<'float32'> {
  const size = dims.reduce((p, d) => p * d, 1);
  return new Tensor({ dtype: 'float32', dims, data: new RandomStream({ seed: 42, stream }).normal(size) });
}

const tinyConfig: UNetConfig = {
  inChannels: 3,
  outChannels: 3,
  sampleSize: 8,
  baseChannels: 8,
  channelMultipliers: [1, 2],
  resBlocksPerLevel: 1,
  attentionLevels: [1],
  attentionHeads: 2,
  normGroups: 4,
  temporalLayers: true,
  fpsConditioning: true,
};

describe('buildUNet', () => {
  it('builds the ~2M-parameter pseudo-3D UNet (16×32×32) with ops from the documented list only, and runs it on onnxruntime-node', async () => {
    const built = buildUNet({ config: smallVideoUNetConfig });
    expect(built.parameterCount).toBeGreaterThan(1.8e6);
    expect(built.parameterCount).toBeLessThan(2.3e6);
    const model = decodeModel(built.modelBytes);
    const opTypes = new Set(model.graph.node.map((node) => node.opType));
    for (const op of opTypes) expect(graphOps).toContain(op);
    for (const node of model.graph.node.filter((node) => node.opType === 'Conv')) {
      const kernel = node.attribute!.find((attribute) => attribute.name === 'kernel_shape')!.ints!;
      expect(kernel.length).toBeLessThanOrEqual(2);
    }
    expect(model.opsetImport[0]!.version).toBe(17);
    const specs = new Set(unetParameterSpecs(smallVideoUNetConfig).map((spec) => spec.name));
    const stored = model.graph.initializer!.filter((tensor) => specs.has(tensor.name!));
    expect(stored.length).toBe(specs.size);
    const storedCount = stored.reduce(
      (sum, tensor) => sum + tensor.dims!.reduce<number>((p, d) => p * Number(d), 1),
      0,
    );
    expect(storedCount).toBe(built.parameterCount);
    expect(built.inputs.map((input) => [input.name, input.dims])).toEqual([
      ['sample', [1, 3, 16, 32, 32]],
      ['timestep', [1]],
      ['fps', [1]],
      ['conditioning_vector', [1, 64]],
    ]);
    const session = await (await nodeBackend()).createSession(built.modelBytes);
    const output = (
      await session.run({
        sample: normal([1, 3, 16, 32, 32], 1),
        timestep: new Tensor({ dtype: 'float32', dims: [1], data: [500] }),
        fps: new Tensor({ dtype: 'float32', dims: [1], data: [4] }),
        conditioning_vector: normal([1, 64], 2),
      })
    ).model_output!;
    await session.release();
    expect(output.dims).toEqual([1, 3, 16, 32, 32]);
    expect((output.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('names parameters by the documented scheme', () => {
    const names = unetParameterSpecs({
      ...tinyConfig,
      conditioning: { tokenDim: 4, tokenLength: 2, vectorDim: 3 },
    }).map((spec) => spec.name);
    for (const name of [
      'conv_in.weight',
      'conv_in.temporal_conv.weight',
      'time_embedding.linear_1.weight',
      'fps_embedding.linear_2.bias',
      'cond_embedding.linear_1.weight',
      'down_blocks.0.resnets.0.conv1.weight',
      'down_blocks.0.resnets.0.conv1.temporal_conv.bias',
      'down_blocks.0.resnets.0.time_emb_proj.weight',
      'down_blocks.0.downsamplers.0.conv.weight',
      'down_blocks.1.resnets.0.conv_shortcut.weight',
      'down_blocks.1.attentions.0.attn1.to_q.weight',
      'down_blocks.1.attentions.0.attn2.to_k.weight',
      'down_blocks.1.attentions.0.temporal_norm.weight',
      'down_blocks.1.attentions.0.temporal_attention.to_out.weight',
      'mid_block.resnets.1.norm2.bias',
      'mid_block.attentions.0.norm1.weight',
      'up_blocks.0.resnets.1.conv2.weight',
      'up_blocks.0.attentions.1.attn1.to_out.bias',
      'up_blocks.0.upsamplers.0.conv.weight',
      'up_blocks.1.resnets.1.conv_shortcut.bias',
      'conv_norm_out.weight',
      'conv_out.temporal_conv.weight',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('down_blocks.0.attentions.0.attn1.to_q.weight');
    expect(new Set(names).size).toBe(names.length);
  });

  it('counts parameters and FLOPs consistently', () => {
    const image = imageConfigOf(tinyConfig);
    // Temporal layers: one [c c 3] + [c] conv per pseudo conv; norms, q/k/v/out per temporal attention; fps MLP.
    const delta = unetParameterCount(tinyConfig) - unetParameterCount(image);
    const temporalSpecs = unetParameterSpecs(tinyConfig).filter((spec) => spec.temporal);
    expect(delta).toBe(temporalSpecs.reduce((sum, spec) => sum + spec.dims.reduce((p, d) => p * d, 1), 0));
    // conv_in alone: 2 · (8 out · 3 in · 9) MACs per pixel per frame
    expect(
      unetFlops(
        { ...image, channelMultipliers: [1], attentionLevels: [], midBlockAttention: false },
        { numFrames: 1, height: 8, width: 8 },
      ),
    ).toBeGreaterThan(2 * 8 * 3 * 9 * 64);
    const one = unetFlops(image, { numFrames: 1, height: 8, width: 8 });
    // Per-frame work is linear in the frames; the embedding MLPs run once per clip.
    const two = unetFlops(image, { numFrames: 2, height: 8, width: 8 });
    expect(unetFlops(image, { numFrames: 4, height: 8, width: 8 }) - one).toBe(3 * (two - one));
    expect(unetFlops(image, { numFrames: 1, height: 8, width: 8, batch: 2 })).toBe(2 * one);
    expect(unetFlops(tinyConfig, { numFrames: 4, height: 8, width: 8 })).toBeGreaterThan(4 * one);
  });

  it('builds a float16 graph that runs and stays close to float32', async () => {
    const weights = initUNetWeights({ config: tinyConfig, seed: 1, temporalInit: 'random' });
    const sample = normal([1, 3, 4, 8, 8], 3);
    const feeds = (dtype: 'float32' | 'float16') => ({
      sample:
        dtype === 'float32'
          ? sample
          : new Tensor({ dtype: 'float16', dims: sample.dims, data: [...sample.data] }),
      timestep: new Tensor({ dtype: 'float32', dims: [1], data: [321] }),
      fps: new Tensor({ dtype: 'float32', dims: [1], data: [12] }),
    });
    const backend = await nodeBackend();
    const results: Float32Array[] = [];
    for (const dtype of ['float32', 'float16'] as const) {
      const built = buildUNet({ config: tinyConfig, weights, dtype, numFrames: 4 });
      const model = decodeModel(built.modelBytes);
      expect(model.graph.initializer!.find((t) => t.name === 'conv_in.weight')!.dataType).toBe(
        dtype === 'float32' ? OnnxDataType.FLOAT : OnnxDataType.FLOAT16,
      );
      const session = await backend.createSession(built.modelBytes);
      const output = (await session.run(feeds(dtype))).model_output!;
      await session.release();
      expect(output.dtype).toBe(dtype);
      results.push(
        dtype === 'float16' ? float16ToFloat32(output.data as Uint16Array) : (output.data as Float32Array),
      );
    }
    const scale = Math.max(...results[0]!.map(Math.abs));
    expect(maxAbsDiff(results[0]!, results[1]!) / scale).toBeLessThan(2e-2);
  });

  it('writes weights as ONNX external data that onnxruntime loads from a file', async () => {
    const config = { ...tinyConfig, temporalLayers: false, fpsConditioning: false };
    const weights = initUNetWeights({ config, seed: 2 });
    const inline = buildUNet({ config, weights, numFrames: 1 });
    const external = buildUNet({
      config,
      weights,
      numFrames: 1,
      externalData: { location: 'unet.onnx.data', minBytes: 0 },
    });
    expect(external.externalData!.length).toBeGreaterThan(0.9 * 4 * inline.parameterCount);
    expect(external.modelBytes.length).toBeLessThan(
      inline.modelBytes.length - 0.9 * 4 * inline.parameterCount,
    );
    const conv = decodeModel(external.modelBytes).graph.initializer!.find(
      (t) => t.name === 'up_blocks.0.resnets.0.conv1.weight',
    )!;
    expect(conv.dataLocation).toBe(1);
    expect(conv.externalData!.find((entry) => entry.key === 'location')!.value).toBe('unet.onnx.data');
    const directory = mkdtempSync(join(tmpdir(), 'p3d-external-'));
    try {
      writeFileSync(join(directory, 'unet.onnx'), external.modelBytes);
      writeFileSync(join(directory, 'unet.onnx.data'), external.externalData!);
      const feeds = {
        sample: normal([1, 3, 1, 8, 8], 4),
        timestep: new Tensor({ dtype: 'float32', dims: [1], data: [10] }),
      };
      const fromFile = await ort.InferenceSession.create(join(directory, 'unet.onnx'));
      const fileOutput = (
        await fromFile.run({
          sample: new ort.Tensor('float32', feeds.sample.data, [...feeds.sample.dims]),
          timestep: new ort.Tensor('float32', feeds.timestep.data as Float32Array, [1]),
        })
      ).model_output!.data as Float32Array;
      await fromFile.release();
      const session = await (await nodeBackend()).createSession(inline.modelBytes);
      const inlineOutput = (await session.run(feeds)).model_output!.data as Float32Array;
      await session.release();
      expect(maxAbsDiff(fileOutput, inlineOutput)).toBe(0);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('takes the interpolation and super-resolution inputs, and each one changes the output', async () => {
    const config: UNetConfig = {
      ...tinyConfig,
      frameConditioningChannels: 4,
      lowResolution: { channels: 3 },
      conditioning: { tokenDim: 5, tokenLength: 2 },
    };
    const built = buildUNet({
      config,
      weights: initUNetWeights({ config, seed: 4, temporalInit: 'random' }),
      numFrames: 2,
    });
    expect(built.inputs.map((input) => input.name)).toEqual([
      'sample',
      'frame_conditioning',
      'low_res_sample',
      'timestep',
      'fps',
      'conditioning_tokens',
      'noise_level',
    ]);
    const feeds: Record<string, Tensor> = {
      sample: normal([1, 3, 2, 8, 8], 5),
      frame_conditioning: normal([1, 4, 2, 8, 8], 6),
      low_res_sample: normal([1, 3, 2, 8, 8], 7),
      timestep: new Tensor({ dtype: 'float32', dims: [1], data: [100] }),
      fps: new Tensor({ dtype: 'float32', dims: [1], data: [6] }),
      conditioning_tokens: normal([1, 2, 5], 8),
      noise_level: new Tensor({ dtype: 'float32', dims: [1], data: [20] }),
    };
    const session = await (await nodeBackend()).createSession(built.modelBytes);
    try {
      const base = (await session.run(feeds)).model_output!.data as Float32Array;
      for (const [name, changed] of [
        ['frame_conditioning', normal([1, 4, 2, 8, 8], 9)],
        ['low_res_sample', normal([1, 3, 2, 8, 8], 10)],
        ['conditioning_tokens', normal([1, 2, 5], 11)],
        ['noise_level', new Tensor({ dtype: 'float32', dims: [1], data: [700] })],
      ] as const) {
        const output = (await session.run({ ...feeds, [name]: changed })).model_output!.data as Float32Array;
        expect(maxAbsDiff(output, base), name).toBeGreaterThan(1e-3);
      }
    } finally {
      await session.release();
    }
  });

  it('rejects inconsistent configs naming the field', () => {
    expect(() => resolveUNetConfig({ ...tinyConfig, attentionHeads: 3 })).toThrow(/attentionHeads/);
    expect(() => resolveUNetConfig({ ...tinyConfig, attentionLevels: [2] })).toThrow(/attentionLevels\[0\]/);
    expect(() => resolveUNetConfig({ ...tinyConfig, baseChannels: 0 })).toThrow(RangeError);
    expect(() => resolveUNetConfig({ ...tinyConfig, temporalLayers: 'yes' as never })).toThrow(TypeError);
    expect(() => buildUNet({ config: tinyConfig, height: 5 })).toThrow(/multiples of 2/);
  });
});
