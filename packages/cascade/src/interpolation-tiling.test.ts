import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade } from './testing/random-cascade.js';
import { extrapolatedFrameCount } from './video-ops.js';

/** The random tiny cascade with ↑F in windows of 4 keyframes (as the default model), counting sessions. */
async function windowedCascade() {
  const random = await createRandomCascade({ seed: 2, preset: 'tiny' });
  const manifest = structuredClone(random.manifest);
  manifest.stages.interpolation!.windowKeyframes = 4;
  manifest.stages.interpolation!.frameSkip = 2;
  const node = createOnnxruntimeNodeBackend({ threads: 1 });
  const counter = { sessions: 0 };
  const cascade = await loadCascade({
    manifest,
    files: createMemorySource(random.files),
    backends: {
      default: {
        specificationVersion: node.specificationVersion,
        name: 'counting',
        capabilities: node.capabilities,
        init: () => node.init(),
        createSession: (model, options) => {
          counter.sessions++;
          return node.createSession(model, options);
        },
      },
    },
  });
  return { cascade, counter };
}

describe('↑F windows of several keyframes', () => {
  it('extrapolatedFrameCount rounds up to a count the windows tile', () => {
    expect(extrapolatedFrameCount(8, 16)).toBe(16);
    expect(extrapolatedFrameCount(3, 16)).toBe(11);
    expect(extrapolatedFrameCount(3, 16, 4)).toBe(13);
    expect(extrapolatedFrameCount(4, 16, 4)).toBe(13);
    expect(extrapolatedFrameCount(76, 16, 4)).toBe(85);
    expect(extrapolatedFrameCount(8, 16, 4)).toBe(16);
  });

  it('a keyframe count the windows do not tile is refused before any session, naming counts that work', async () => {
    const { cascade, counter } = await windowedCascade();
    try {
      const error = await cascade
        .textToVideo({ prompt: 'a red circle', numFrames: 9 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/numFrames 9: .*windows of 4 keyframes.*7 or 10/);
      expect(counter.sessions).toBe(0);
      const result = await cascade.textToVideo({
        prompt: 'a red circle',
        numFrames: 7,
        stopAfter: 'interpolation',
      });
      expect(result.video.dims[2]).toBe((7 - 1) * 2 + 1);
    } finally {
      await cascade.dispose();
    }
  });

  it('extrapolating a video of any length makes a count the windows tile', async () => {
    const { cascade } = await windowedCascade();
    try {
      for (const given of [3, 4]) {
        const video = new Tensor({ dtype: 'float32', dims: [1, 3, given, 16, 16] });
        const result = await cascade.extrapolateVideo({
          video,
          direction: 'forward',
          stopAfter: 'interpolation',
        });
        expect(result.video.dims[2]).toBe((13 - 1) * 2 + 1);
      }
    } finally {
      await cascade.dispose();
    }
  });
});
