import { describe, expect, it } from 'vitest';
import { randomTensor, runLayer } from '../../test/layer-harness.js';
import {
  maxAbsDiff,
  referenceGroupNorm,
  referenceLinear,
  referenceSilu,
  referenceSinusoidal,
  referenceTensor,
} from '../testing/reference-layers.js';
import { groupNorm } from './group-norm.js';
import { linear } from './linear.js';
import { silu } from './silu.js';
import { embeddingMlp, sinusoidalEmbedding } from './timestep-embedding.js';

describe('norm, activation, linear and embedding layers match the reference', () => {
  it('groupNorm over [n c h w] with 2 groups', async () => {
    const x = randomTensor([2, 6, 3, 4], 11);
    for (let i = 0; i < x.data.length; i++) x.data[i] = 3 * x.data[i]! + 1.5;
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => groupNorm(graph, x!, { name: 'n', channels: 6, groups: 2 }),
    });
    const expected = referenceGroupNorm(x, run.weights['n.weight']!, run.weights['n.bias']!, 2);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('groupNorm over [n c f] (the temporal layout)', async () => {
    const x = randomTensor([5, 4, 7], 12);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => groupNorm(graph, x!, { name: 'n', channels: 4, groups: 4 }),
    });
    const expected = referenceGroupNorm(x, run.weights['n.weight']!, run.weights['n.bias']!, 4);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('silu', async () => {
    const x = randomTensor([3, 17], 13);
    const run = await runLayer({ inputs: { x }, build: (graph, { x }) => silu(graph, x!) });
    expect(maxAbsDiff(run.output.data, referenceSilu(x).data)).toBeLessThanOrEqual(1e-6);
  });

  it('linear over the last axis of [b n c]', async () => {
    const x = randomTensor([2, 5, 6], 14);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => linear(graph, x!, { name: 'l', inFeatures: 6, outFeatures: 3 }),
    });
    const expected = referenceLinear(x, run.weights['l.weight']!, run.weights['l.bias']!);
    expect(run.output.dims).toEqual([2, 5, 3]);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('sinusoidal timestep embedding', async () => {
    const timesteps = [0, 1, 17.5, 999];
    const t = referenceTensor([4], timesteps);
    const run = await runLayer({
      inputs: { t },
      build: (graph, { t }) => sinusoidalEmbedding(graph, t!, 16),
    });
    expect(maxAbsDiff(run.output.data, referenceSinusoidal(timesteps, 16).data)).toBeLessThanOrEqual(1e-5);
  });

  it('timestep embedding MLP: linear_2(silu(linear_1(sinusoidal(t))))', async () => {
    const timesteps = [3, 250, 800];
    const run = await runLayer({
      inputs: { t: referenceTensor([3], timesteps) },
      build: (graph, { t }) =>
        embeddingMlp(graph, sinusoidalEmbedding(graph, t!, 8), {
          name: 'time_embedding',
          inFeatures: 8,
          outFeatures: 12,
        }),
    });
    const w = run.weights;
    const hidden = referenceSilu(
      referenceLinear(
        referenceSinusoidal(timesteps, 8),
        w['time_embedding.linear_1.weight']!,
        w['time_embedding.linear_1.bias']!,
      ),
    );
    const expected = referenceLinear(
      hidden,
      w['time_embedding.linear_2.weight']!,
      w['time_embedding.linear_2.bias']!,
    );
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });
});
