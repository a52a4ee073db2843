import { describe, expect, it } from 'vitest';
import { foldFrames, randomTensor, runLayer, unfoldFrames } from '../../test/layer-harness.js';
import {
  maxAbsDiff,
  type ReferenceTensor,
  referenceAdd,
  referenceAttention,
  referenceFrameTokensToVideo,
  referenceGroupNorm,
  referenceImageToTokens,
  referencePerFrame,
  referenceSliceFirst,
  referenceSwapLastAxes,
  referenceTensor,
  referenceTokensToImage,
  referenceVideoToFrameTokens,
} from '../testing/reference-layers.js';
import { attention } from './attention.js';
import { pseudoAttention3d } from './pseudo-attention3d.js';
import { spatialAttention } from './spatial-attention.js';
import { temporalAttention } from './temporal-attention.js';

function attentionWeights(weights: Record<string, ReferenceTensor>, prefix: string) {
  return {
    toQ: weights[`${prefix}.to_q.weight`]!,
    toK: weights[`${prefix}.to_k.weight`]!,
    toV: weights[`${prefix}.to_v.weight`]!,
    toOut: weights[`${prefix}.to_out.weight`]!,
    toOutBias: weights[`${prefix}.to_out.bias`]!,
  };
}

/** Independent frame-position table: P[c, f] = cos/sin(f · 10000^(−i/k)). */
function positionTable(channels: number, frames: number): number[] {
  const half = channels / 2;
  const table: number[] = [];
  for (let c = 0; c < channels; c++)
    for (let f = 0; f < frames; f++) {
      const i = c % half;
      const angle = f / 10000 ** (i / half);
      table.push(c < half ? Math.cos(angle) : Math.sin(angle));
    }
  return table;
}

function referenceSpatial(
  video: ReferenceTensor,
  weights: Record<string, ReferenceTensor>,
  heads: number,
  groups: number,
  context?: ReferenceTensor,
) {
  const [b, , f] = video.dims as [number, number, number];
  const frames: ReferenceTensor[] = [];
  let index = 0;
  const out = referencePerFrame(video, (image) => {
    const batch = Math.floor(index++ / f);
    const norm1 = referenceGroupNorm(image, weights['s.norm1.weight']!, weights['s.norm1.bias']!, groups);
    let h = referenceAdd(
      image,
      referenceTokensToImage(
        referenceAttention(referenceImageToTokens(norm1), attentionWeights(weights, 's.attn1'), heads),
        image.dims,
      ),
    );
    if (context) {
      const norm2 = referenceGroupNorm(h, weights['s.norm2.weight']!, weights['s.norm2.bias']!, groups);
      const attended = referenceAttention(
        referenceImageToTokens(norm2),
        attentionWeights(weights, 's.attn2'),
        heads,
        referenceSliceFirst(context, batch),
      );
      h = referenceAdd(h, referenceTokensToImage(attended, image.dims));
    }
    frames.push(h);
    return h;
  });
  expect(frames.length).toBe(b * f);
  return out;
}

function referenceTemporal(
  video: ReferenceTensor,
  weights: Record<string, ReferenceTensor>,
  heads: number,
  groups: number,
) {
  const [, c, f] = video.dims as [number, number, number];
  const channelsFrames = referenceSwapLastAxes(referenceVideoToFrameTokens(video)); // [(b h w) c f]
  const normed = referenceGroupNorm(
    channelsFrames,
    weights['s.temporal_norm.weight']!,
    weights['s.temporal_norm.bias']!,
    groups,
  );
  const table = positionTable(c, f);
  const positioned = referenceTensor(
    normed.dims,
    normed.data.map((value, index) => value + table[index % (c * f)]!),
  );
  const attended = referenceAttention(
    referenceSwapLastAxes(positioned),
    attentionWeights(weights, 's.temporal_attention'),
    heads,
  );
  return referenceAdd(video, referenceFrameTokensToVideo(attended, video.dims));
}

describe('attention layers match the plain-TypeScript reference', () => {
  it('multi-head self-attention over [s n c]', async () => {
    const x = randomTensor([3, 5, 8], 21);
    const run = await runLayer({
      inputs: { x },
      build: (graph, { x }) => attention(graph, x!, { name: 'a', channels: 8, heads: 2 }),
    });
    expect(
      maxAbsDiff(run.output.data, referenceAttention(x, attentionWeights(run.weights, 'a'), 2).data),
    ).toBeLessThanOrEqual(1e-5);
  });

  it('cross-attention to a context with another width and length', async () => {
    const x = randomTensor([2, 4, 6], 22);
    const context = randomTensor([2, 7, 5], 23);
    const run = await runLayer({
      inputs: { x, context },
      build: (graph, { x, context }) =>
        attention(graph, x!, { name: 'a', channels: 6, heads: 3, context: context! }),
    });
    expect(run.weights['a.to_k.weight']!.dims).toEqual([6, 5]);
    const expected = referenceAttention(x, attentionWeights(run.weights, 'a'), 3, context);
    expect(maxAbsDiff(run.output.data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('spatial attention with cross-attention, frames independent', async () => {
    const video = randomTensor([2, 4, 3, 3, 2], 24);
    const context = randomTensor([2, 5, 6], 25);
    const run = await runLayer({
      inputs: { x: foldFrames(video), context },
      build: (graph, { x, context }) =>
        spatialAttention(graph, x!, {
          name: 's',
          channels: 4,
          heads: 2,
          groups: 2,
          numFrames: 3,
          context: context!,
        }),
    });
    const expected = referenceSpatial(video, run.weights, 2, 2, context);
    expect(maxAbsDiff(unfoldFrames(run.output, 3).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('temporal attention with frame positions', async () => {
    const video = randomTensor([2, 4, 5, 2, 3], 26);
    const run = await runLayer({
      inputs: { x: foldFrames(video) },
      build: (graph, { x }) =>
        temporalAttention(graph, x!, { name: 's', channels: 4, heads: 2, groups: 2, numFrames: 5 }),
    });
    const expected = referenceTemporal(video, run.weights, 2, 2);
    expect(maxAbsDiff(unfoldFrames(run.output, 5).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('temporal attention sees frame order: reversing the input frames does not just reverse the output', async () => {
    const video = randomTensor([1, 4, 4, 1, 1], 27);
    const reversed = referenceTensor(video.dims);
    for (let c = 0; c < 4; c++)
      for (let f = 0; f < 4; f++) reversed.data[c * 4 + f] = video.data[c * 4 + (3 - f)]!;
    const build = (
      graph: Parameters<typeof temporalAttention>[0],
      { x }: Record<string, Parameters<typeof temporalAttention>[1]>,
    ) => temporalAttention(graph, x!, { name: 's', channels: 4, heads: 1, groups: 1, numFrames: 4 });
    const forward = unfoldFrames((await runLayer({ inputs: { x: foldFrames(video) }, build })).output, 4);
    const backward = unfoldFrames((await runLayer({ inputs: { x: foldFrames(reversed) }, build })).output, 4);
    const backwardReversed = referenceTensor(video.dims);
    for (let c = 0; c < 4; c++)
      for (let f = 0; f < 4; f++) backwardReversed.data[c * 4 + f] = backward.data[c * 4 + (3 - f)]!;
    expect(maxAbsDiff(forward.data, backwardReversed.data)).toBeGreaterThan(1e-3);
  });

  it('pseudoAttention3d = spatial then temporal; identity temporal weights leave the spatial result', async () => {
    const video = randomTensor([1, 4, 3, 2, 2], 28);
    const build = (
      graph: Parameters<typeof pseudoAttention3d>[0],
      { x }: Record<string, Parameters<typeof pseudoAttention3d>[1]>,
    ) =>
      pseudoAttention3d(graph, x!, {
        name: 's',
        channels: 4,
        heads: 2,
        groups: 2,
        numFrames: 3,
        temporal: true,
      });
    const random = await runLayer({ inputs: { x: foldFrames(video) }, build });
    const expected = referenceTemporal(referenceSpatial(video, random.weights, 2, 2), random.weights, 2, 2);
    expect(maxAbsDiff(unfoldFrames(random.output, 3).data, expected.data)).toBeLessThanOrEqual(1e-5);
    const identity = await runLayer({ inputs: { x: foldFrames(video) }, build, temporalInit: 'identity' });
    const spatialOnly = referenceSpatial(video, identity.weights, 2, 2);
    expect(maxAbsDiff(unfoldFrames(identity.output, 3).data, spatialOnly.data)).toBeLessThanOrEqual(1e-6);
  });
});
