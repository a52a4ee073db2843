import { describe, expect, it } from 'vitest';
import { foldFrames, randomTensor, runLayer, unfoldFrames } from '../../test/layer-harness.js';
import {
  maxAbsDiff,
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

describe('resBlock matches the plain-TypeScript reference', () => {
  it('pseudo-3D convs, embedding injection per clip, 1×1 shortcut', async () => {
    const video = randomTensor([2, 4, 3, 4, 4], 31);
    const embedding = randomTensor([2, 5], 32);
    const run = await runLayer({
      inputs: { x: foldFrames(video), embedding },
      build: (graph, { x, embedding }) =>
        resBlock(graph, x!, embedding!, {
          name: 'r',
          inChannels: 4,
          outChannels: 6,
          embeddingChannels: 5,
          groups: 2,
          numFrames: 3,
          temporal: true,
        }),
    });
    const w = run.weights;
    const projected = referenceLinear(
      referenceSilu(embedding),
      w['r.time_emb_proj.weight']!,
      w['r.time_emb_proj.bias']!,
    );
    let h = referencePerFrame(video, (image) =>
      referenceConv2d(
        referenceSilu(referenceGroupNorm(image, w['r.norm1.weight']!, w['r.norm1.bias']!, 2)),
        w['r.conv1.weight']!,
        w['r.conv1.bias']!,
      ),
    );
    h = referenceTemporalConv(h, w['r.conv1.temporal_conv.weight']!, w['r.conv1.temporal_conv.bias']!);
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
    h = referencePerFrame(h, (image) => referenceConv2d(image, w['r.conv2.weight']!, w['r.conv2.bias']!));
    h = referenceTemporalConv(h, w['r.conv2.temporal_conv.weight']!, w['r.conv2.temporal_conv.bias']!);
    const skip = referencePerFrame(video, (image) =>
      referenceConv2d(image, w['r.conv_shortcut.weight']!, w['r.conv_shortcut.bias']!),
    );
    const expected = referenceAdd(skip, h);
    expect(maxAbsDiff(unfoldFrames(run.output, 3).data, expected.data)).toBeLessThanOrEqual(1e-5);
  });
});
