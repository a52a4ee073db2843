import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { Tensor } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framesAsBatch, resizeFrames } from '../frames/video-frames.js';
import { defaultJudgeFolder } from '../harness/run-quality.js';
import { locateObjects } from '../metrics/object-locator.js';
import { type RenderedReferences, renderReferences } from '../reference-clips.js';
import { Judge } from './judge.js';
import { judgeAttributes } from './judge-config.js';
import { objectCrops } from './object-crop.js';

// The committed judge, run the way the harness runs it (8-bit frames → area to 32² → locator → crop →
// classifier on onnxruntime-node), on eval-split stills rendered by the Python world; and the TypeScript
// locator and crop against the numpy ones the classifier was trained on.

const resolutions = [32, 64, 128] as const;
const count = 200;
let rendered: RenderedReferences;
let judge: Judge;

beforeAll(async () => {
  rendered = await renderReferences({
    stills: resolutions.flatMap((resolution) =>
      Array.from({ length: count }, (_, seed) => ({
        key: `${resolution}/${seed}`,
        seed,
        resolution,
        crop: seed < 16,
      })),
    ),
  });
  judge = await Judge.load({
    folder: defaultJudgeFolder,
    backend: createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 1 }),
  });
});

afterAll(async () => {
  await judge?.dispose();
});

describe('the committed judge', () => {
  it('locates and crops as the numpy code it was trained with', () => {
    for (const resolution of resolutions)
      for (let seed = 0; seed < 16; seed++) {
        const key = `${resolution}/${seed}`;
        const frames = resizeFrames(framesAsBatch(rendered.clips.get(key)!), judge.config.frameSize);
        const [location] = locateObjects(frames);
        const attributes = rendered.attributes[key]!;
        expect(location!.found).toBe(attributes.found);
        expect(location!.x).toBeCloseTo(attributes.x as number, 5);
        expect(location!.y).toBeCloseTo(attributes.y as number, 5);
        expect(location!.area).toBeCloseTo(attributes.area as number, 5);
        const crop = objectCrops(frames, [location!], judge.config.cropSize);
        const expected = rendered.crops.get(`${key}/crop`)!;
        let worst = 0;
        for (let index = 0; index < crop.size; index++)
          worst = Math.max(worst, Math.abs(crop.data[index]! - (expected.data[index]! * 2 - 1)));
        expect(worst, key).toBeLessThan(1e-4);
      }
  });

  it.each(resolutions)(
    'is right on at least 98 in 100 eval-split stills rendered at %i², for every attribute',
    async (resolution) => {
      const size = judge.config.frameSize;
      const frames = new Tensor({ dtype: 'float32', dims: [count, 3, size, size] });
      for (let seed = 0; seed < count; seed++) {
        const frame = resizeFrames(framesAsBatch(rendered.clips.get(`${resolution}/${seed}`)!), size);
        frames.data.set(frame.data, seed * frame.size);
      }
      const output = await judge.judge(objectCrops(frames, locateObjects(frames), judge.config.cropSize));
      const correct = { shape: 0, colour: 0, size: 0, background: 0 };
      for (let seed = 0; seed < count; seed++)
        for (const attribute of judgeAttributes) {
          const labels = judge.config.labels[attribute];
          const row = output.probabilities[attribute].subarray(
            seed * labels.length,
            (seed + 1) * labels.length,
          );
          const best = labels.reduce((top, _, k) => (row[k]! > row[top]! ? k : top), 0);
          if (labels[best] === rendered.attributes[`${resolution}/${seed}`]![attribute]) correct[attribute]++;
        }
      for (const attribute of judgeAttributes)
        expect(correct[attribute] / count, attribute).toBeGreaterThanOrEqual(0.98);
    },
  );
});
