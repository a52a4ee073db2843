import { describe, expect, it } from 'vitest';
import { foldFrames, randomTensor, runLayer, unfoldFrames } from '../../test/layer-harness.js';
import {
  maxAbsDiff,
  referenceConv2d,
  referencePerFrame,
  referenceTemporalConv,
  referenceUpsampleNearest,
} from '../testing/reference-layers.js';
import { conv2d } from './conv2d.js';
import { downsample } from './downsample.js';
import { pseudoConv3d } from './pseudo-conv3d.js';
import { temporalConv1d } from './temporal-conv1d.js';
import { upsample } from './upsample.js';

describe('convolution layers match the plain-TypeScript reference', () => {
  it('conv2d 3×3, stride 1', async () => {
    const x = randomTensor([2, 3, 6, 5], 1);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => conv2d(graph, x!, { name: 'c', inChannels: 3, outChannels: 4 }),
    });
    const expected = referenceConv2d(x, run.weights['c.weight']!, run.weights['c.bias']!);
    expect(run.output.dims).toEqual([2, 4, 6, 5]);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('downsample: 3×3 stride 2 halves height and width', async () => {
    const x = randomTensor([1, 4, 8, 8], 2);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => downsample(graph, x!, { name: 'd', channels: 4 }),
    });
    const expected = referenceConv2d(x, run.weights['d.conv.weight']!, run.weights['d.conv.bias']!, {
      stride: 2,
      padding: 1,
    });
    expect(run.output.dims).toEqual([1, 4, 4, 4]);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('upsample: nearest ×2 then 3×3 conv', async () => {
    const x = randomTensor([2, 3, 3, 4], 3);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => upsample(graph, x!, { name: 'u', channels: 3 }),
    });
    const expected = referenceConv2d(
      referenceUpsampleNearest(x, 2),
      run.weights['u.conv.weight']!,
      run.weights['u.conv.bias']!,
    );
    expect(run.output.dims).toEqual([2, 3, 6, 8]);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('temporal conv1d runs along the frames at each pixel', async () => {
    const video = randomTensor([2, 3, 5, 2, 3], 4);
    const run = await runLayer({
      inputs: { x: foldFrames(video) },
      build: (graph, { x }) => temporalConv1d(graph, x!, { name: 't', channels: 3, numFrames: 5 }),
    });
    const expected = referenceTemporalConv(video, run.weights['t.weight']!, run.weights['t.bias']!);
    expect(maxAbsDiff(unfoldFrames(run.output, 5).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('pseudoConv3d = per-frame conv2d then temporal conv1d', async () => {
    const video = randomTensor([1, 3, 4, 5, 5], 5);
    const run = await runLayer({
      inputs: { x: foldFrames(video) },
      build: (graph, { x }) =>
        pseudoConv3d(graph, x!, { name: 'p', inChannels: 3, outChannels: 2, numFrames: 4, temporal: true }),
    });
    expect(run.parameterNames).toEqual([
      'p.weight',
      'p.bias',
      'p.temporal_conv.weight',
      'p.temporal_conv.bias',
    ]);
    const spatial = referencePerFrame(video, (image) =>
      referenceConv2d(image, run.weights['p.weight']!, run.weights['p.bias']!),
    );
    const expected = referenceTemporalConv(
      spatial,
      run.weights['p.temporal_conv.weight']!,
      run.weights['p.temporal_conv.bias']!,
    );
    expect(maxAbsDiff(unfoldFrames(run.output, 4).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('pseudoConv3d with dirac temporal weights equals the per-frame conv2d', async () => {
    const video = randomTensor([1, 2, 4, 3, 3], 6);
    const run = await runLayer({
      inputs: { x: foldFrames(video) },
      temporalInit: 'identity',
      build: (graph, { x }) =>
        pseudoConv3d(graph, x!, { name: 'p', inChannels: 2, outChannels: 2, numFrames: 4, temporal: true }),
    });
    const spatial = referencePerFrame(video, (image) =>
      referenceConv2d(image, run.weights['p.weight']!, run.weights['p.bias']!),
    );
    expect(maxAbsDiff(unfoldFrames(run.output, 4).data, spatial.data)).toBeLessThanOrEqual(1e-6);
  });
});
