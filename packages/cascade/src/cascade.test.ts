import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { AbortError, RandomStream, Tensor } from '@mav/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cascade } from './cascade.js';
import { InsufficientMemoryError } from './errors.js';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade } from './testing/random-cascade.js';
import { recordingBackend } from './testing-backend.js';

const node = createOnnxruntimeNodeBackend({ threads: 2 });

function randomImage(seed: number, size: number, frames?: number): Tensor<'float32'> {
  const dims = frames === undefined ? [1, 3, size, size] : [1, 3, frames, size, size];
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new RandomStream({ seed, stream: 9 }).uniform(count).map((value) => 2 * value - 1);
  return new Tensor({ dtype: 'float32', dims, data });
}

async function tinyCascade(
  options: {
    interpolation?: 'identity';
    frameConditioning?: 'blended-frames-then-mask';
    memoryLimitBytes?: number;
    keepSessions?: boolean;
  } = {},
) {
  const random = await createRandomCascade({
    seed: 1,
    preset: 'tiny',
    ...(options.interpolation ? { interpolation: options.interpolation } : {}),
  });
  if (options.frameConditioning)
    random.manifest.stages.interpolation!.frameConditioning = options.frameConditioning;
  const recorder = recordingBackend(node);
  const cascade = await loadCascade({
    manifest: JSON.stringify(random.manifest),
    files: createMemorySource(random.files),
    backends: { default: recorder.backend },
    ...(options.memoryLimitBytes ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
    ...(options.keepSessions ? { keepSessions: true } : {}),
  });
  return { cascade, recorder, manifest: random.manifest };
}

describe('the tiny random-weight cascade on onnxruntime-node', () => {
  let cascade: Cascade;
  let recorder: ReturnType<typeof recordingBackend>;
  beforeAll(async () => {
    ({ cascade, recorder } = await tinyCascade());
  });

  it('textToVideo: 16 keyframes → 76 frames → SR_l → SR_h, at the configured sizes', async () => {
    recorder.runs.length = 0;
    const events: string[] = [];
    const result = await cascade.textToVideo({
      prompt: 'a red circle bouncing',
      seed: 3,
      onProgress: (event) => events.push(`${event.stage}:${event.step}/${event.totalSteps}`),
    });
    expect(result.stages).toEqual([
      'textEncoder',
      'prior',
      'decoder',
      'interpolation',
      'superResolutionLow',
      'superResolutionHigh',
    ]);
    expect(result.video.dims).toEqual([1, 3, 76, 32, 32]);
    expect(result.fps).toBe(20);
    expect(events).toEqual(
      expect.arrayContaining([
        'textEncoder:1/1',
        'prior:2/2',
        'decoder:2/2',
        'interpolation:2/2',
        'superResolutionLow:2/2',
        'superResolutionHigh:2/2',
      ]),
    );
    // Shapes fed to each stage's model (guided stages run 2 rows).
    const sampleDims = (label: string) =>
      recorder.runs.find((run) => run.label === label)!.feeds.sample!.dims;
    expect(sampleDims('decoder')).toEqual([2, 3, 16, 8, 8]);
    expect(sampleDims('interpolation')).toEqual([15, 3, 6, 8, 8]); // 15 windows of 6 frames, one batch
    expect(sampleDims('superResolutionLow')).toEqual([1, 3, 76, 16, 16]);
    expect(sampleDims('superResolutionHigh')).toEqual([76, 3, 1, 32, 32]);
    expect(Array.from(result.video.data).every((value) => value >= -1 && value <= 1)).toBe(true);
    // Sessions are released after their stage.
    expect(recorder.released.length).toBe(recorder.created.length);
  });

  it('the same seed twice gives identical frames; another seed does not', async () => {
    const options = { prompt: 'a blue square', seed: 7, stopAfter: 'interpolation' as const };
    const first = await cascade.textToVideo(options);
    const second = await cascade.textToVideo(options);
    expect(second.video.data).toEqual(first.video.data);
    const other = await cascade.textToVideo({ ...options, seed: 8 });
    expect(other.video.data).not.toEqual(first.video.data);
  });

  it('stopAfter decoder gives the keyframes only', async () => {
    const result = await cascade.textToVideo({ prompt: 'a star', stopAfter: 'decoder', numFrames: 8 });
    expect(result.stages).toEqual(['textEncoder', 'prior', 'decoder']);
    expect(result.video.dims).toEqual([1, 3, 8, 8, 8]);
    expect(result.fps).toBe(4);
  });

  it('SR_h starts every frame from bit-identical noise', async () => {
    recorder.runs.length = 0;
    await cascade.textToVideo({ prompt: 'a green ball', seed: 5 });
    const first = recorder.runs.find((run) => run.label === 'superResolutionHigh')!;
    const { dims, data } = first.feeds.sample!;
    expect(dims).toEqual([76, 3, 1, 32, 32]);
    const frameSize = 3 * 32 * 32;
    const frame0 = data!.subarray(0, frameSize);
    for (let frame = 1; frame < 76; frame++) {
      expect(data!.subarray(frame * frameSize, (frame + 1) * frameSize)).toEqual(frame0);
    }
    // ...and it is noise, not a constant.
    expect(new Set(frame0).size).toBeGreaterThan(frameSize / 2);
  });

  it('abort stops within one step', async () => {
    const controller = new AbortController();
    recorder.runs.length = 0;
    const error = await cascade
      .textToVideo({
        prompt: 'a red circle',
        stages: { decoder: { steps: 4 } },
        signal: controller.signal,
        onProgress: (event) => {
          if (event.stage === 'decoder' && event.step === 1) controller.abort();
        },
      })
      .catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(recorder.runs.filter((run) => run.label === 'decoder').length).toBe(1);
    expect(recorder.runs.some((run) => run.label === 'interpolation')).toBe(false);
  });

  it('animateImage keeps the image as the first frame and runs the rest of the cascade', async () => {
    const image = randomImage(1, 8);
    const result = await cascade.animateImage({ image, seed: 2, stopAfter: 'interpolation' });
    expect(result.stages).toEqual(['imageEncoder', 'textEncoder', 'interpolation', 'interpolation']);
    expect(result.video.dims).toEqual([1, 3, 76, 8, 8]);
    // Frame 0 is the (8×8) image: the known frame survives both ↑F runs.
    for (let channel = 0; channel < 3; channel++) {
      const got = result.video.data.subarray(channel * 76 * 64, channel * 76 * 64 + 64);
      expect(Array.from(got)).toEqual(Array.from(image.data.subarray(channel * 64, (channel + 1) * 64)));
    }
  });

  it('interpolateImages goes from the first image to the last', async () => {
    const first = randomImage(2, 8);
    const last = randomImage(3, 8);
    const result = await cascade.interpolateImages({ first, last, numFrames: 6, stopAfter: 'interpolation' });
    expect(result.video.dims).toEqual([1, 3, 26, 8, 8]);
    const frame = (channel: number, index: number) =>
      Array.from(result.video.data.subarray((channel * 26 + index) * 64, (channel * 26 + index + 1) * 64));
    expect(frame(1, 0)).toEqual(Array.from(first.data.subarray(64, 128)));
    expect(frame(1, 25)).toEqual(Array.from(last.data.subarray(64, 128)));
  });

  it('extrapolateVideo extends forwards and backwards, keeping the given frames', async () => {
    const video = randomImage(4, 8, 3);
    const plane = 64;
    const given = (channel: number, index: number) =>
      Array.from(video.data.subarray((channel * 3 + index) * plane, (channel * 3 + index + 1) * plane));
    for (const direction of ['forward', 'backward'] as const) {
      const result = await cascade.extrapolateVideo({ video, direction, numFrames: 6, stopAfter: 'decoder' });
      expect(result.video.dims).toEqual([1, 3, 6, 8, 8]);
      const out = (channel: number, index: number) =>
        Array.from(
          result.video.data.subarray((channel * 6 + index) * plane, (channel * 6 + index + 1) * plane),
        );
      const offset = direction === 'forward' ? 0 : 3;
      for (let index = 0; index < 3; index++) expect(out(2, offset + index)).toEqual(given(2, index));
    }
  });

  it('variations share one image embedding and differ by seed', async () => {
    const results = await cascade.variations({ prompt: 'a yellow star', count: 2, stopAfter: 'decoder' });
    expect(results).toHaveLength(2);
    expect(results[0]!.imageEmbedding.data).toEqual(results[1]!.imageEmbedding.data);
    expect(results[0]!.video.data).not.toEqual(results[1]!.video.data);
    const fromImage = await cascade.variations({ image: randomImage(5, 8), count: 2, stopAfter: 'decoder' });
    expect(fromImage[0]!.stages).toEqual(['textEncoder', 'imageEncoder', 'decoder']);
  });

  it('describe() lists every stage with sizes and a peak estimate', () => {
    const description = cascade.describe();
    expect(description.stages.map((stage) => stage.name)).toEqual([
      'textEncoder',
      'prior',
      'decoder',
      'interpolation',
      'superResolutionLow',
      'superResolutionHigh',
    ]);
    const sr = description.stages.at(-1)!;
    expect([sr.frames, sr.resolution]).toEqual([76, 32]);
    expect(description.estimatedPeakBytes).toBe(
      Math.max(...description.stages.map((stage) => stage.estimatedBytes)),
    );
    for (const stage of description.stages) expect(stage.parameterCount).toBeGreaterThan(0);
  });
});

/** ↑F's 16 → 76 frames as the network wrote them (no copy-back of the keyframes). */
function interpolateUnrestored(cascade: Cascade, keyframes: Tensor<'float32'>): Promise<Tensor<'float32'>> {
  return cascade.components.interpolation.interpolate({
    keyframes,
    imageEmbedding: new Tensor({ dtype: 'float32', dims: [1, 16] }),
    fps: 20,
    seed: 1n,
    restoreKnownFrames: false,
  });
}

describe('the interpolation network itself keeps the known frames (identity-like weights)', () => {
  it('outputs the keyframes in place before any copy-back', async () => {
    const { cascade } = await tinyCascade({ interpolation: 'identity' });
    const keyframes = randomImage(6, 8, 16);
    const output = await interpolateUnrestored(cascade, keyframes);
    expect(output.dims).toEqual([1, 3, 76, 8, 8]);
    let maxError = 0;
    let unknownMax = 0;
    for (let channel = 0; channel < 3; channel++) {
      for (let frame = 0; frame < 76; frame++) {
        for (let pixel = 0; pixel < 64; pixel++) {
          const value = output.data[(channel * 76 + frame) * 64 + pixel]!;
          if (frame % 5 === 0) {
            maxError = Math.max(
              maxError,
              Math.abs(value - keyframes.data[(channel * 16 + frame / 5) * 64 + pixel]!),
            );
          } else {
            unknownMax = Math.max(unknownMax, Math.abs(value));
          }
        }
      }
    }
    expect(maxError).toBeLessThan(1e-4);
    expect(unknownMax).toBeLessThan(1e-4); // the identity network outputs its masked input: zeros in between
  });

  it("with 'blended-frames-then-mask' it is fed the linear blend of the known frames at every frame", async () => {
    const { cascade } = await tinyCascade({
      interpolation: 'identity',
      frameConditioning: 'blended-frames-then-mask',
    });
    const keyframes = randomImage(7, 8, 16);
    const embedding = new Tensor({ dtype: 'float32', dims: [1, 16] });
    const output = await interpolateUnrestored(cascade, keyframes);
    // 15 windows of 2 keyframes in one batch: frame f lies between keyframes ⌊f/5⌋ and ⌈f/5⌉
    const keyframe = (channel: number, index: number, pixel: number) =>
      keyframes.data[(channel * 16 + index) * 64 + pixel]!;
    let maxError = 0;
    let betweenRange = 0;
    for (let channel = 0; channel < 3; channel++)
      for (let frame = 0; frame < 76; frame++)
        for (let pixel = 0; pixel < 64; pixel++) {
          const before = Math.floor(frame / 5);
          const weight = frame / 5 - before;
          const expected =
            weight === 0
              ? keyframe(channel, before, pixel)
              : (1 - weight) * keyframe(channel, before, pixel) +
                weight * keyframe(channel, before + 1, pixel);
          const value = output.data[(channel * 76 + frame) * 64 + pixel]!;
          maxError = Math.max(maxError, Math.abs(value - expected));
          if (weight !== 0) betweenRange = Math.max(betweenRange, Math.abs(expected));
        }
    expect(betweenRange).toBeGreaterThan(0.5);
    expect(maxError).toBeLessThan(1e-4);

    // animation: one known frame, held at every frame
    const image = randomImage(8, 8, 1);
    const animated = await cascade.components.interpolation.fillFrames({
      frames: image,
      mode: 'animation',
      numFrames: 6,
      imageEmbedding: embedding,
      fps: 20,
      seed: 1n,
      restoreKnownFrames: false,
    });
    let heldError = 0;
    for (let channel = 0; channel < 3; channel++)
      for (let frame = 0; frame < 6; frame++)
        for (let pixel = 0; pixel < 64; pixel++)
          heldError = Math.max(
            heldError,
            Math.abs(animated.data[(channel * 6 + frame) * 64 + pixel]! - image.data[channel * 64 + pixel]!),
          );
    expect(heldError).toBeLessThan(1e-4);
  });
});

describe('memory pre-flight', () => {
  it('refuses a run that cannot fit, before any session is created', async () => {
    const { cascade, recorder } = await tinyCascade({ memoryLimitBytes: 1024 });
    const error = await cascade.textToVideo({ prompt: 'a red circle' }).catch((caught: unknown) => caught);
    expect(InsufficientMemoryError.isInstance(error)).toBe(true);
    expect((error as InsufficientMemoryError).limitBytes).toBe(1024);
    expect((error as InsufficientMemoryError).estimatedBytes).toBe(cascade.describe().estimatedPeakBytes);
    expect(recorder.created).toEqual([]);
  });

  it('keeps sessions when asked and releases them on dispose', async () => {
    const { cascade, recorder } = await tinyCascade({ keepSessions: true });
    await cascade.textToVideo({ prompt: 'a circle', stopAfter: 'decoder' });
    const created = recorder.created.length;
    await cascade.textToVideo({ prompt: 'a circle', stopAfter: 'decoder' });
    expect(recorder.created.length).toBe(created);
    expect(recorder.released).toEqual([]);
    await cascade.dispose();
    expect(recorder.released.length).toBe(created);
  });
});
