import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../test/layer-harness.js';
import { maxAbsDiff } from '../testing/reference-layers.js';
import { buildUNet, initUNetWeights } from './build-unet.js';
import { inflate } from './inflate.js';
import { imageConfigOf, type UNetConfig } from './unet-config.js';

const videoConfig: UNetConfig = {
  inChannels: 3,
  outChannels: 3,
  sampleSize: 8,
  baseChannels: 16,
  channelMultipliers: [1, 2],
  resBlocksPerLevel: 1,
  attentionLevels: [1],
  attentionHeads: 2,
  normGroups: 4,
  temporalLayers: true,
  fpsConditioning: true,
  conditioning: { vectorDim: 6, tokenDim: 5, tokenLength: 3 },
};
const numFrames = 16;
const size = 8;

function normal(dims: number[], stream: number): Tensor<'float32'> {
  const size = dims.reduce((p, d) => p * d, 1);
  return new Tensor({ dtype: 'float32', dims, data: new RandomStream({ seed: 99, stream }).normal(size) });
}

async function run(modelBytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Float32Array> {
  const session = await (await nodeBackend()).createSession(modelBytes);
  try {
    return (await session.run(feeds)).model_output!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** `[1 c f h w]` -> `[f c 1 h w]`: each frame as its own batch item of one frame. */
function framesAsBatch(video: Tensor<'float32'>): Tensor<'float32'> {
  const [, c, f, h, w] = video.dims as number[] as [number, number, number, number, number];
  const out = new Tensor({ dtype: 'float32', dims: [f, c, 1, h, w] });
  for (let ch = 0; ch < c; ch++)
    for (let frame = 0; frame < f; frame++)
      out.data.set(
        video.data.subarray((ch * f + frame) * h * w, (ch * f + frame + 1) * h * w),
        (frame * c + ch) * h * w,
      );
  return out;
}

function repeatRows(tensor: Tensor<'float32'>, times: number): Tensor<'float32'> {
  const data = new Float32Array(tensor.size * times);
  for (let i = 0; i < times; i++) data.set(tensor.data, i * tensor.size);
  return new Tensor({ dtype: 'float32', dims: [times, ...tensor.dims.slice(1)], data });
}

describe('inflate', () => {
  const imageWeights = initUNetWeights({ config: imageConfigOf(videoConfig), seed: 5 });
  const sample = normal([1, 3, numFrames, size, size], 1);
  const vector = normal([1, 6], 2);
  const tokens = normal([1, 3, 5], 3);
  const videoFeeds = {
    sample,
    timestep: new Tensor({ dtype: 'float32', dims: [1], data: [417] }),
    fps: new Tensor({ dtype: 'float32', dims: [1], data: [8] }),
    conditioning_vector: vector,
    conditioning_tokens: tokens,
  };

  it('is function-preserving: the inflated video UNet equals the image UNet on every frame', async () => {
    const image = buildUNet({
      config: imageConfigOf(videoConfig),
      weights: imageWeights,
      batch: numFrames,
      numFrames: 1,
    });
    const perFrame = await run(image.modelBytes, {
      sample: framesAsBatch(sample),
      timestep: new Tensor({
        dtype: 'float32',
        dims: [numFrames],
        data: new Float32Array(numFrames).fill(417),
      }),
      conditioning_vector: repeatRows(vector, numFrames),
      conditioning_tokens: repeatRows(tokens, numFrames),
    });
    const inflated = inflate(imageWeights, videoConfig, { seed: 3 });
    expect(inflated['down_blocks.0.resnets.0.conv1.temporal_conv.weight']!.dims).toEqual([16, 16, 3]);
    expect(inflated['down_blocks.1.attentions.0.temporal_attention.to_out.weight']).toBeDefined();
    const video = buildUNet({ config: videoConfig, weights: inflated, numFrames });
    const output = new Tensor({
      dtype: 'float32',
      dims: [1, 3, numFrames, size, size],
      data: await run(video.modelBytes, videoFeeds),
    });
    const diff = maxAbsDiff(framesAsBatch(output).data, perFrame);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...perFrame.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('with non-identity temporal weights, frames influence each other', async () => {
    const randomTemporal = initUNetWeights({ config: videoConfig, seed: 5, temporalInit: 'random' });
    const inflated = inflate(imageWeights, videoConfig);
    const perturbed = new Tensor({
      dtype: 'float32',
      dims: sample.dims,
      data: Float32Array.from(sample.data),
    });
    // change frame 0 only (channel 0, every pixel)
    for (let p = 0; p < size * size; p++) perturbed.data[p] = perturbed.data[p]! + 1;
    const frameDelta = async (weights: Record<string, Tensor>) => {
      const { modelBytes } = buildUNet({ config: videoConfig, weights, numFrames });
      const a = await run(modelBytes, videoFeeds);
      const b = await run(modelBytes, { ...videoFeeds, sample: perturbed });
      const frame = (data: Float32Array, f: number) => {
        const out: number[] = [];
        for (let c = 0; c < 3; c++)
          out.push(
            ...data.subarray((c * numFrames + f) * size * size, (c * numFrames + f + 1) * size * size),
          );
        return out;
      };
      return { frame0: maxAbsDiff(frame(a, 0), frame(b, 0)), frame5: maxAbsDiff(frame(a, 5), frame(b, 5)) };
    };
    const identity = await frameDelta(inflated);
    expect(identity.frame0).toBeGreaterThan(1e-3);
    expect(identity.frame5).toBeLessThanOrEqual(1e-6);
    const random = await frameDelta(randomTemporal);
    expect(random.frame5).toBeGreaterThan(1e-3);
  });

  it('refuses an image config and reports every mismatch of the image weights at once', () => {
    expect(() => inflate(imageWeights, imageConfigOf(videoConfig))).toThrow(/temporalLayers must be true/);
    const broken: Record<string, Tensor> = { ...imageWeights };
    delete broken['conv_in.weight'];
    broken['conv_out.bias'] = new Tensor({ dtype: 'float32', dims: [4] });
    broken['extra.weight'] = new Tensor({ dtype: 'float32', dims: [1] });
    let error: unknown;
    try {
      inflate(broken, videoConfig, { fileName: 'image.safetensors' });
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).toMatch(/image\.safetensors/);
    expect(String(error)).toMatch(/missing: 'conv_in\.weight'/);
    expect(String(error)).toMatch(/unexpected: 'extra\.weight'/);
    expect(String(error)).toMatch(/'conv_out\.bias' expected \[3\], got \[4\]/);
  });
});
