import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { randomNormalTensor, type Tensor } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cascade } from './cascade.js';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import type { ModelManifest } from './manifest/manifest-schema.js';
import { createRandomCascade } from './testing/random-cascade.js';
import { resizeBilinear } from './video-ops.js';

// The same random cascade twice: as written, and with its ↑F and SR stages declared residual. The networks,
// noise and feeds are the same, so the two outputs differ by exactly the residual's base.
let plain: Cascade;
let residual: Cascade;
let manifest: ModelManifest;

beforeAll(async () => {
  const random = await createRandomCascade({ seed: 6, preset: 'tiny' });
  manifest = random.manifest;
  const edited = structuredClone(random.manifest) as ModelManifest;
  edited.stages.interpolation!.residual = 'blended-known-frames';
  edited.stages.superResolutionLow!.residual = 'upsampled-input';
  edited.stages.superResolutionHigh!.residual = 'upsampled-input';
  const load = (what: ModelManifest) =>
    loadCascade({
      manifest: what,
      files: createMemorySource(random.files),
      backends: { default: createOnnxruntimeNodeBackend({ threads: 1 }) },
    });
  [plain, residual] = await Promise.all([load(random.manifest), load(edited)]);
});

afterAll(async () => {
  await plain?.dispose();
  await residual?.dispose();
});

const conditioning = () => ({
  imageEmbedding: randomNormalTensor({ seed: 1, dims: [1, manifest.clipEmbeddingDim] }),
  seed: 3,
  steps: 2,
});

/** Element (c, f, pixel) of a `[1 c f h w]` tensor. */
function at(video: Tensor<'float32'>, c: number, f: number, pixel: number): number {
  const [, , frames, height, width] = video.dims as number[];
  return video.data[(c * frames! + f) * height! * width! + pixel]!;
}

describe('residual stages', () => {
  it.each(['superResolutionLow', 'superResolutionHigh'] as const)(
    '%s adds the clean upsampled input to what the network sampled',
    async (stage) => {
      const size = stage === 'superResolutionLow' ? manifest.stages.decoder!.resolution : 16;
      const video = randomNormalTensor({ seed: 2, dims: [1, 3, 3, size, size] });
      const options = { ...conditioning(), video };
      const alone = await plain.components[stage].upscale(options);
      const withBase = await residual.components[stage].upscale(options);
      const resolution = manifest.stages[stage]!.resolution;
      const base = resizeBilinear(video, resolution, resolution);
      expect(withBase.dims).toEqual(alone.dims);
      let maxDiff = 0;
      let baseSize = 0;
      for (let index = 0; index < base.size; index++) {
        maxDiff = Math.max(maxDiff, Math.abs(withBase.data[index]! - alone.data[index]! - base.data[index]!));
        baseSize = Math.max(baseSize, Math.abs(base.data[index]!));
      }
      expect(baseSize).toBeGreaterThan(0.5);
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    },
  );

  it('↑F adds the linear blend of the known frames, and keeps the known frames exact', async () => {
    const entry = manifest.stages.interpolation!;
    const skip = entry.frameSkip;
    const perWindow = entry.windowKeyframes ?? 2;
    const size = manifest.stages.decoder!.resolution;
    const keyframes = randomNormalTensor({ seed: 4, dims: [1, 3, 2 * (perWindow - 1) + 1, size, size] });
    const options = { ...conditioning(), keyframes, fps: 24 };
    const alone = await plain.components.interpolation.interpolate(options);
    const withBase = await residual.components.interpolation.interpolate(options);
    expect(withBase.dims).toEqual(alone.dims);
    const frames = withBase.dims[2]!;
    const plane = size * size;
    let checked = 0;
    for (let frame = 0; frame < frames; frame++) {
      const offset = frame % skip;
      const before = (frame - offset) / skip;
      for (let c = 0; c < 3; c++)
        for (let pixel = 0; pixel < plane; pixel++) {
          const given = at(keyframes, c, before, pixel);
          if (offset === 0) {
            expect(at(withBase, c, frame, pixel)).toBe(given);
            expect(at(alone, c, frame, pixel)).toBe(given);
            continue;
          }
          const weight = offset / skip;
          const blend = (1 - weight) * given + weight * at(keyframes, c, before + 1, pixel);
          expect(at(withBase, c, frame, pixel) - at(alone, c, frame, pixel)).toBeCloseTo(blend, 4);
          checked++;
        }
    }
    expect(checked).toBe(3 * plane * (frames - (frames - 1) / skip - 1));
  });
});
