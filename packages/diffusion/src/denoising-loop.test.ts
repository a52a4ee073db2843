import { AbortError, RandomStream, type RunOptions, type Session, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { DdimScheduler } from './ddim-scheduler.js';
import { type DenoiseProgress, denoise, denoiseStreams } from './denoising-loop.js';
import { NonFiniteError } from './errors.js';
import type { Scheduler, SchedulerStepOptions } from './scheduler.js';

interface RecordedRun {
  feeds: Record<string, Tensor>;
  /** Copies of the feeds' dims and data at the time of the run (the loop disposes feeds afterwards). */
  seen: Record<string, { dims: readonly number[]; data: ArrayLike<number | bigint> }>;
  options: RunOptions | undefined;
}

/**
 * A session whose prediction for row r is `rowValue(feeds, r)` broadcast over the row; it records every
 * run and every tensor it returned.
 */
function recordingSession(rowValue: (feeds: Record<string, Tensor>, row: number) => number = () => 0) {
  const runs: RecordedRun[] = [];
  const outputs: Tensor[] = [];
  let released = false;
  const session: Session & { runs: RecordedRun[]; outputs: Tensor[]; onRun?: (run: number) => void } = {
    inputNames: ['sample', 'timestep'],
    outputNames: ['prediction', 'unused'],
    inputMetadata: [],
    outputMetadata: [],
    runs,
    outputs,
    async run(feeds, options) {
      const seen = Object.fromEntries(
        Object.entries(feeds).map(([name, tensor]) => [
          name,
          { dims: tensor.dims, data: tensor.data.slice() },
        ]),
      );
      runs.push({ feeds: { ...feeds }, seen, options });
      session.onRun?.(runs.length);
      const sample = feeds.sample!;
      const rows = sample.dims[0]!;
      const perRow = sample.size / rows;
      const channels = sample.dims[1]!;
      // Predict for the first `channels − extra` channels only: the model output has the sample's shape.
      const predictionChannels = channels - (session as { extraChannels?: number }).extraChannels!;
      const dims = [rows, predictionChannels, ...sample.dims.slice(2)];
      const outPerRow = (perRow / channels) * predictionChannels;
      const data = new Float32Array(rows * outPerRow);
      for (let row = 0; row < rows; row++)
        data.fill(rowValue(feeds, row), row * outPerRow, (row + 1) * outPerRow);
      const prediction = new Tensor({ dtype: 'float32', dims, data });
      outputs.push(prediction);
      return { prediction };
    },
    async release() {
      released = true;
    },
  };
  (session as { extraChannels?: number }).extraChannels = 0;
  Object.defineProperty(session, 'released', { get: () => released });
  return session;
}

/** A scheduler that records what `step` received and returns the sample unchanged. */
function recordingScheduler(numSteps = 3): Scheduler & { steps: SchedulerStepOptions[] } {
  const steps: SchedulerStepOptions[] = [];
  let timesteps: number[] = [];
  return {
    name: 'recording',
    predictionType: 'epsilon',
    numTrainTimesteps: 1000,
    alphasCumulative: new Float64Array(1000).fill(0.5),
    initNoiseSigma: 1,
    get timesteps() {
      return timesteps;
    },
    stochastic: false,
    steps,
    setTimesteps(count: number) {
      expect(count).toBe(numSteps);
      timesteps = Array.from({ length: count }, (_, index) => 900 - 300 * index);
    },
    scaleModelInput: (sample) => sample,
    step(options) {
      steps.push({ ...options, modelOutput: options.modelOutput.slice() });
      return { prevSample: options.sample, predOriginalSample: options.sample };
    },
    addNoise: ({ originalSample }) => originalSample,
  };
}

const model = {
  sampleInput: 'sample',
  timestepInput: { name: 'timestep', dtype: 'float32' as const },
  output: 'prediction',
};

describe('denoise', () => {
  it('runs the model once per timestep, fetching only the prediction, and reports progress', async () => {
    const session = recordingSession();
    const progress: DenoiseProgress[] = [];
    const { sample, timesteps } = await denoise({
      session,
      scheduler: recordingScheduler(),
      model,
      numInferenceSteps: 3,
      dims: [1, 2, 3],
      seed: 5,
      stage: 'decoder',
      onProgress: (report) => progress.push(report),
    });
    expect(timesteps).toEqual([900, 600, 300]);
    expect(progress).toEqual([
      { stage: 'decoder', step: 1, totalSteps: 3, timestep: 900 },
      { stage: 'decoder', step: 2, totalSteps: 3, timestep: 600 },
      { stage: 'decoder', step: 3, totalSteps: 3, timestep: 300 },
    ]);
    expect(session.runs.map(({ seen }) => [...(seen.timestep!.data as Float32Array)])).toEqual([
      [900],
      [600],
      [300],
    ]);
    expect(session.runs.every(({ options }) => options?.fetches?.join() === 'prediction')).toBe(true);
    // The recording scheduler leaves the sample alone: the result is the seeded initial noise.
    expect(sample.dims).toEqual([1, 2, 3]);
    expect(sample.data).toEqual(new RandomStream({ seed: 5, stream: denoiseStreams.initialNoise }).normal(6));
    // Everything the loop created is disposed; its result is not.
    expect(session.outputs.every((tensor) => tensor.disposed)).toBe(true);
    expect(session.runs.every(({ feeds }) => feeds.sample!.disposed && feeds.timestep!.disposed)).toBe(true);
    expect(sample.disposed).toBe(false);
  });

  it('builds int64 / scalar timestep feeds and passes constant and per-step feeds', async () => {
    const session = recordingSession();
    const fps = new Tensor({ dtype: 'int64', dims: [1], data: [8n] });
    const stepFeedTensors: Tensor[] = [];
    await denoise({
      session,
      scheduler: recordingScheduler(),
      model: {
        ...model,
        timestepInput: { name: 'timestep', dtype: 'int64', shape: 'scalar' },
        constantFeeds: { fps },
        stepFeeds: ({ step, timestep, batchSize }) => {
          const tensor = new Tensor({ dtype: 'float32', dims: [batchSize], data: [timestep + step] });
          stepFeedTensors.push(tensor);
          return { level: tensor };
        },
      },
      numInferenceSteps: 3,
      dims: [1, 4],
    });
    for (const [index, { feeds }] of session.runs.entries()) {
      expect(feeds.timestep!.dtype).toBe('int64');
      expect(feeds.timestep!.dims).toEqual([]);
      expect(feeds.fps).toBe(fps);
      expect(feeds.level).toBe(stepFeedTensors[index]);
    }
    expect(stepFeedTensors.every((tensor) => tensor.disposed)).toBe(true);
    expect(fps.disposed).toBe(false);
  });

  it('batches classifier-free guidance as [unconditional; conditional] and combines the halves', async () => {
    // The "model" predicts the embedding value of its row.
    const session = recordingSession((feeds, row) => (feeds.embedding!.data as Float32Array)[row]!);
    const scheduler = recordingScheduler();
    const conditional = new Tensor({ dtype: 'float32', dims: [2, 1], data: [3, 5] });
    const unconditional = new Tensor({ dtype: 'float32', dims: [2, 1], data: [1, 1] });
    await denoise({
      session,
      scheduler,
      model,
      numInferenceSteps: 3,
      dims: [2, 1, 4],
      guidance: {
        guidanceScale: 7.5,
        conditionalFeeds: { embedding: conditional },
        unconditionalFeeds: { embedding: unconditional },
      },
    });
    const first = session.runs[0]!.seen;
    expect(first.sample!.dims).toEqual([4, 1, 4]);
    const sampleData = first.sample!.data as Float32Array;
    expect(sampleData.subarray(0, 8)).toEqual(sampleData.subarray(8, 16));
    expect([...(first.embedding!.data as Float32Array)]).toEqual([1, 1, 3, 5]);
    expect(first.timestep!.dims).toEqual([4]);
    // u + w (c − u) per sample: 1 + 7.5·2 = 16 and 1 + 7.5·4 = 31.
    for (const { modelOutput } of scheduler.steps) {
      expect([...modelOutput]).toEqual([16, 16, 16, 16, 31, 31, 31, 31]);
    }
    expect(session.runs[0]!.feeds.embedding!.disposed).toBe(true);
    expect(conditional.disposed || unconditional.disposed).toBe(false);
  });

  it('appends sampleConcatenation along the channel axis', async () => {
    const session = recordingSession();
    (session as { extraChannels?: number }).extraChannels = 2;
    const extra = new Tensor({
      dtype: 'float32',
      dims: [2, 2, 3],
      data: [10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25],
    });
    const { sample } = await denoise({
      session,
      scheduler: recordingScheduler(),
      model: { ...model, sampleConcatenation: extra },
      numInferenceSteps: 3,
      dims: [2, 1, 3],
      seed: 2,
    });
    const fed = session.runs[0]!.seen.sample!;
    expect(fed.dims).toEqual([2, 3, 3]);
    const noise = sample.data;
    expect([...(fed.data as Float32Array)]).toEqual([
      noise[0],
      noise[1],
      noise[2],
      10,
      11,
      12,
      13,
      14,
      15,
      noise[3],
      noise[4],
      noise[5],
      20,
      21,
      22,
      23,
      24,
      25,
    ]);
  });

  it('stops mid-loop on abort with AbortError and disposes everything it created', async () => {
    const session = recordingSession();
    const controller = new AbortController();
    const embedding = new Tensor({ dtype: 'float32', dims: [1, 2], data: [1, 2] });
    const nullEmbedding = new Tensor({ dtype: 'float32', dims: [1, 2], data: [0, 0] });
    session.onRun = (run) => {
      if (run === 2) controller.abort(new Error('user cancelled'));
    };
    const progress: number[] = [];
    const promise = denoise({
      session,
      scheduler: new DdimScheduler(),
      model,
      numInferenceSteps: 10,
      dims: [1, 4],
      signal: controller.signal,
      guidance: {
        guidanceScale: 3,
        conditionalFeeds: { embedding },
        unconditionalFeeds: { embedding: nullEmbedding },
      },
      onProgress: ({ step }) => progress.push(step),
    });
    const error = await promise.catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as AbortError).reason).toEqual(new Error('user cancelled'));
    expect(session.runs).toHaveLength(2);
    expect(progress).toEqual([1]);
    for (const { feeds } of session.runs) {
      expect(feeds.sample!.disposed).toBe(true);
      expect(feeds.timestep!.disposed).toBe(true);
      expect(feeds.embedding!.disposed).toBe(true); // the batched [2b] copy the loop made
    }
    expect(session.outputs.every((tensor) => tensor.disposed)).toBe(true);
    expect(embedding.disposed || nullEmbedding.disposed).toBe(false);
    expect((session as unknown as { released: boolean }).released).toBe(false);
  });

  it('throws AbortError before any run when the signal has already fired', async () => {
    const session = recordingSession();
    const error = await denoise({
      session,
      scheduler: new DdimScheduler(),
      model,
      numInferenceSteps: 10,
      dims: [1, 4],
      signal: AbortSignal.abort(),
    }).catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(session.runs).toHaveLength(0);
  });

  it('starts from initialNoise × initNoiseSigma when given', async () => {
    const scheduler = recordingScheduler();
    Object.defineProperty(scheduler, 'initNoiseSigma', { value: 2 });
    const initialNoise = new Tensor({ dtype: 'float32', dims: [1, 3], data: [1, -1, 0.5] });
    const { sample } = await denoise({
      session: recordingSession(),
      scheduler,
      model,
      numInferenceSteps: 3,
      initialNoise,
    });
    expect([...sample.data]).toEqual([2, -2, 1]);
    expect([...initialNoise.data]).toEqual([1, -1, 0.5]);
    await expect(
      denoise({
        session: recordingSession(),
        scheduler,
        model,
        numInferenceSteps: 3,
        initialNoise,
        dims: [3, 1],
      }),
    ).rejects.toThrow(RangeError);
  });

  it('names the problem when the model output does not match the sample', async () => {
    const session = recordingSession();
    (session as { extraChannels?: number }).extraChannels = -1;
    await expect(
      denoise({ session, scheduler: recordingScheduler(), model, numInferenceSteps: 3, dims: [1, 2, 2] }),
    ).rejects.toThrow(/prediction/);
    await expect(
      denoise({
        session,
        scheduler: recordingScheduler(),
        model: { ...model, output: '' },
        numInferenceSteps: 3,
        dims: [1, 2],
      }),
    ).rejects.toThrow(TypeError);
    expect(session.outputs.every((tensor) => tensor.disposed)).toBe(true);
  });

  it('stops with NonFiniteError naming the stage and the step when the model output holds NaN', async () => {
    const session = recordingSession(() => (session.runs.length === 2 ? Number.NaN : 0.1));
    const scheduler = recordingScheduler();
    const progress: number[] = [];
    const error = await denoise({
      session,
      scheduler,
      model,
      numInferenceSteps: 3,
      dims: [1, 4],
      stage: 'decoder',
      onProgress: ({ step }) => progress.push(step),
    }).catch((caught: unknown) => caught);
    expect(NonFiniteError.isInstance(error)).toBe(true);
    const nonFinite = error as NonFiniteError;
    expect(nonFinite.code).toBe('non-finite');
    expect(nonFinite).toMatchObject({ stage: 'decoder', step: 2, totalSteps: 3, timestep: 600, count: 4 });
    expect(nonFinite.message).toMatch(/decoder/);
    expect(nonFinite.message).toMatch(/step 2 of 3/);
    expect(nonFinite.message).toMatch(/'prediction'/);
    // The bad output never reached the scheduler; everything the loop created is disposed.
    expect(scheduler.steps).toHaveLength(1);
    expect(progress).toEqual([1]);
    expect(session.outputs.every((tensor) => tensor.disposed)).toBe(true);
  });

  it('checks both guidance halves before combining them (Infinity in the unconditional pass)', async () => {
    const session = recordingSession((_feeds, row) => (row === 0 ? Number.POSITIVE_INFINITY : 0));
    const embedding = new Tensor({ dtype: 'float32', dims: [1, 1], data: [1] });
    const nullEmbedding = new Tensor({ dtype: 'float32', dims: [1, 1], data: [0] });
    const error = await denoise({
      session,
      scheduler: recordingScheduler(),
      model,
      numInferenceSteps: 3,
      dims: [1, 2],
      guidance: {
        guidanceScale: 0,
        conditionalFeeds: { embedding },
        unconditionalFeeds: { embedding: nullEmbedding },
      },
    }).catch((caught: unknown) => caught);
    expect(NonFiniteError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ stage: 'denoise', step: 1, count: 2, firstIndex: 0 });
  });

  it('detects Inf in a float16 model output', async () => {
    const session: Session = {
      inputNames: ['sample', 'timestep'],
      outputNames: ['prediction'],
      inputMetadata: [],
      outputMetadata: [],
      async run() {
        // [0, +Inf] as float16 bits.
        return {
          prediction: new Tensor({ dtype: 'float16', dims: [1, 2], data: Uint16Array.of(0, 0x7c00) }),
        };
      },
      async release() {},
    };
    const error = await denoise({
      session,
      scheduler: recordingScheduler(),
      model,
      numInferenceSteps: 3,
      dims: [1, 2],
      stage: 'superResolutionHigh',
    }).catch((caught: unknown) => caught);
    expect(NonFiniteError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ stage: 'superResolutionHigh', step: 1, count: 1, firstIndex: 1 });
  });
});
