import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { encodeModel, model, node, tensorProto, valueInfo } from '@mav/onnx-proto';
import { RandomStream, type Session } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdimScheduler } from './ddim-scheduler.js';
import { DdpmScheduler } from './ddpm-scheduler.js';
import { denoise } from './denoising-loop.js';
import { alphasCumulativeProduct, betaSchedule } from './noise-schedule.js';
import { gaussianSession, moments, referenceSamplerMoments } from './testing-gaussian-session.js';

// End to end over a real ONNX graph run by onnxruntime-node: the graph is the exact ε-predictor for
// N(μ, s²) data, ε̂ = √(1 − ᾱ_t)(x − √ᾱ_t μ)/(ᾱ_t s² + 1 − ᾱ_t), with ᾱ_t gathered from an initializer
// by the int64 timestep feed.
const mean = 1;
const std = 0.5;
const numSamples = 20_000;

function gaussianEpsilonGraph(): Uint8Array {
  const alphasCumulative = Float32Array.from(alphasCumulativeProduct(betaSchedule({ kind: 'linear' })));
  const scalar = (name: string, value: number) =>
    tensorProto({ name, elementType: 'float32', dims: [], data: Float32Array.of(value) });
  return encodeModel(
    model({
      graph: {
        name: 'gaussian-epsilon',
        input: [valueInfo('sample', 'float32', ['batch', 1]), valueInfo('timestep', 'int64', [])],
        output: [valueInfo('noise_prediction', 'float32', ['batch', 1])],
        initializer: [
          tensorProto({
            name: 'alphas_cumulative',
            elementType: 'float32',
            dims: [1000],
            data: alphasCumulative,
          }),
          scalar('one', 1),
          scalar('mu', mean),
          scalar('s_squared', std * std),
        ],
        node: [
          node({ opType: 'Gather', inputs: ['alphas_cumulative', 'timestep'], outputs: ['alpha_bar'] }),
          node({ opType: 'Sub', inputs: ['one', 'alpha_bar'], outputs: ['one_minus_alpha_bar'] }),
          node({ opType: 'Sqrt', inputs: ['alpha_bar'], outputs: ['sqrt_alpha_bar'] }),
          node({ opType: 'Sqrt', inputs: ['one_minus_alpha_bar'], outputs: ['sqrt_one_minus_alpha_bar'] }),
          node({ opType: 'Mul', inputs: ['sqrt_alpha_bar', 'mu'], outputs: ['mean_t'] }),
          node({ opType: 'Sub', inputs: ['sample', 'mean_t'], outputs: ['centred'] }),
          node({ opType: 'Mul', inputs: ['alpha_bar', 's_squared'], outputs: ['signal_variance'] }),
          node({ opType: 'Add', inputs: ['signal_variance', 'one_minus_alpha_bar'], outputs: ['variance'] }),
          node({ opType: 'Mul', inputs: ['sqrt_one_minus_alpha_bar', 'centred'], outputs: ['scaled'] }),
          node({ opType: 'Div', inputs: ['scaled', 'variance'], outputs: ['noise_prediction'] }),
        ],
      },
    }),
  );
}

const modelCall = {
  sampleInput: 'sample',
  timestepInput: { name: 'timestep', dtype: 'int64' as const, shape: 'scalar' as const },
  output: 'noise_prediction',
};

describe('denoise on onnxruntime-node', () => {
  let session: Session;

  beforeAll(async () => {
    const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
    await backend.init();
    session = await backend.createSession(gaussianEpsilonGraph(), { label: 'gaussian-epsilon' });
  });

  afterAll(async () => {
    await session?.release();
  });

  it('DDIM, 50 steps: N(μ, s²) samples that match the in-process reference model', async () => {
    const steps: number[] = [];
    const { sample } = await denoise({
      session,
      scheduler: new DdimScheduler(),
      model: modelCall,
      numInferenceSteps: 50,
      dims: [numSamples, 1],
      seed: 3,
      stage: 'onnx',
      onProgress: ({ step }) => steps.push(step),
    });
    expect(steps).toHaveLength(50);
    const reference = await denoise({
      session: gaussianSession({ predictionType: 'epsilon', mean, std }),
      scheduler: new DdimScheduler(),
      model: {
        sampleInput: 'sample',
        timestepInput: { name: 'timestep', dtype: 'float32' },
        output: 'prediction',
      },
      numInferenceSteps: 50,
      dims: [numSamples, 1],
      seed: 3,
    });
    // Same math in float32 on the graph vs float64 in JS: agreement to 1e-4 (values ~1).
    let worst = 0;
    for (let index = 0; index < numSamples; index++) {
      worst = Math.max(worst, Math.abs(sample.data[index]! - reference.sample.data[index]!));
    }
    expect(worst).toBeLessThan(1e-4);
    const result = moments(sample.data);
    const scheduler = new DdimScheduler();
    scheduler.setTimesteps(50);
    const expected = referenceSamplerMoments({ sampler: 'ddim', timesteps: scheduler.timesteps, mean, std });
    expect(Math.abs(result.mean - mean)).toBeLessThanOrEqual(0.02 * std);
    expect(Math.abs(result.std - expected.std)).toBeLessThanOrEqual(0.02 * std);
    expect(Math.abs(result.std / std - 1)).toBeLessThanOrEqual(0.08);
    // A per-sample check against the closed form A·z + B of the discretised sampler.
    const noise = new RandomStream({ seed: 3, stream: 0 }).normal(numSamples);
    expect(Math.abs(sample.data[17]! - (expected.scale * noise[17]! + expected.offset))).toBeLessThan(1e-4);
  });

  it('is bit-identical for a seed with a stochastic sampler (DDPM, 100 steps)', async () => {
    const run = async () =>
      (
        await denoise({
          session,
          scheduler: new DdpmScheduler(),
          model: modelCall,
          numInferenceSteps: 100,
          dims: [1000, 1],
          seed: 42,
        })
      ).sample.data;
    const first = await run();
    const second = await run();
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
  });
});
