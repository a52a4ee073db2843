import { describe, expect, it } from 'vitest';
import { foldFrames, randomTensor, runLayer, unfoldFrames } from '../../test/layer-harness.js';
import {
  maxAbsDiff,
  type ReferenceTensor,
  referenceAdd,
  referenceConv2d,
  referenceGroupNorm,
  referenceLinear,
  referencePerFrame,
  referenceSilu,
  referenceTemporalConv,
  referenceTensor,
} from '../testing/reference-layers.js';
import { resBlock } from './res-block.js';

type Weights = Record<string, ReferenceTensor>;

/** silu(embedding) through `time_emb_proj`. */
function referenceProjection(embedding: ReferenceTensor, w: Weights): ReferenceTensor {
  return referenceLinear(referenceSilu(embedding), w['r.time_emb_proj.weight']!, w['r.time_emb_proj.bias']!);
}

/** norm1 → silu → conv1, then its temporal conv. */
function referenceFirstConv(video: ReferenceTensor, w: Weights): ReferenceTensor {
  const h = referencePerFrame(video, (image) =>
    referenceConv2d(
      referenceSilu(referenceGroupNorm(image, w['r.norm1.weight']!, w['r.norm1.bias']!, 2)),
      w['r.conv1.weight']!,
      w['r.conv1.bias']!,
    ),
  );
  return referenceTemporalConv(h, w['r.conv1.temporal_conv.weight']!, w['r.conv1.temporal_conv.bias']!);
}

/** conv2, then its temporal conv. */
function referenceSecondConv(h: ReferenceTensor, w: Weights): ReferenceTensor {
  const spatial = referencePerFrame(h, (image) =>
    referenceConv2d(image, w['r.conv2.weight']!, w['r.conv2.bias']!),
  );
  return referenceTemporalConv(spatial, w['r.conv2.temporal_conv.weight']!, w['r.conv2.temporal_conv.bias']!);
}

/**
 * A res block 'r' of 4 input channels, embedding 5, 2 groups, 3 frames (temporal) on a random video [2 4 3 4 4]
 * (seed `seed`) and embedding [2 5] (seed `seed + 1`).
 */
async function runResBlock(seed: number, options: { outChannels: number; scaleShift?: boolean }) {
  const video = randomTensor([2, 4, 3, 4, 4], seed);
  const embedding = randomTensor([2, 5], seed + 1);
  const run = await runLayer({
    inputs: { x: foldFrames(video), embedding },
    build: (graph, { x, embedding }) =>
      resBlock(graph, x!, embedding!, {
        name: 'r',
        inChannels: 4,
        embeddingChannels: 5,
        groups: 2,
        numFrames: 3,
        temporal: true,
        ...options,
      }),
  });
  return { video, embedding, run };
}

describe('resBlock matches the plain-TypeScript reference', () => {
  it('pseudo-3D convs, embedding injection per clip, 1×1 shortcut', async () => {
    const { video, embedding, run } = await runResBlock(31, { outChannels: 6 });
    const w = run.weights;
    const projected = referenceProjection(embedding, w);
    let h = referenceFirstConv(video, w);
    const perPlane = 3 * 4 * 4;
    h = referenceTensor(
      h.dims,
      h.data.map(
        (value, index) =>
          value +
          projected.data[Math.floor(index / (6 * perPlane)) * 6 + (Math.floor(index / perPlane) % 6)]!,
      ),
    );
    // GroupNorm of a clip normalises each frame separately (frames are folded into the batch).
    h = referencePerFrame(h, (image) =>
      referenceSilu(referenceGroupNorm(image, w['r.norm2.weight']!, w['r.norm2.bias']!, 2)),
    );
    h = referenceSecondConv(h, w);
    const skip = referencePerFrame(video, (image) =>
      referenceConv2d(image, w['r.conv_shortcut.weight']!, w['r.conv_shortcut.bias']!),
    );
    const expected = referenceAdd(skip, h);
    expect(maxAbsDiff(unfoldFrames(run.output, 3).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });

  it('scaleShift: the embedding scales and shifts norm2 per clip (AdaGN), identity shortcut', async () => {
    const { video, embedding, run } = await runResBlock(41, { outChannels: 4, scaleShift: true });
    const w = run.weights;
    expect(w['r.time_emb_proj.weight']!.dims).toEqual([8, 5]);
    // [b 2c]: the first c values scale, the last c shift
    const projected = referenceProjection(embedding, w);
    let h = referenceFirstConv(video, w);
    h = referencePerFrame(h, (image) =>
      referenceGroupNorm(image, w['r.norm2.weight']!, w['r.norm2.bias']!, 2),
    );
    const perPlane = 3 * 4 * 4;
    h = referenceTensor(
      h.dims,
      h.data.map((value, index) => {
        const clip = Math.floor(index / (4 * perPlane));
        const channel = Math.floor(index / perPlane) % 4;
        const scale = projected.data[clip * 8 + channel]!;
        const shift = projected.data[clip * 8 + 4 + channel]!;
        return value * (1 + scale) + shift;
      }),
    );
    h = referenceSilu(h);
    h = referenceSecondConv(h, w);
    const expected = referenceAdd(video, h);
    expect(maxAbsDiff(unfoldFrames(run.output, 3).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });
});
