import { RandomStream } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { DdimScheduler } from './ddim-scheduler.js';
import { DdpmScheduler } from './ddpm-scheduler.js';
import { denoise } from './denoising-loop.js';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep-scheduler.js';
import { SchedulerStateError } from './errors.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete-scheduler.js';
import { EulerDiscreteScheduler } from './euler-discrete-scheduler.js';
import { convertPrediction } from './prediction-type.js';
import type { Scheduler } from './scheduler.js';
import { gaussianSession, linearAlphasCumulative } from './testing-gaussian-session.js';

const factories: [string, () => Scheduler, number][] = [
  ['ddpm', () => new DdpmScheduler(), 50],
  ['ddim', () => new DdimScheduler(), 50],
  ['ddim eta 0.5', () => new DdimScheduler({ eta: 0.5 }), 50],
  ['dpm-solver-multistep', () => new DpmSolverMultistepScheduler(), 20],
  ['euler', () => new EulerDiscreteScheduler(), 30],
  ['euler-ancestral', () => new EulerAncestralDiscreteScheduler(), 30],
];

const model = {
  sampleInput: 'sample',
  timestepInput: { name: 'timestep', dtype: 'float32' as const },
  output: 'prediction',
};

describe.each(factories)('%s scheduler', (_name, create, steps) => {
  it('throws SchedulerStateError from step and scaleModelInput before setTimesteps', () => {
    const scheduler = create();
    const sample = new Float32Array(4);
    expect(scheduler.timesteps).toEqual([]);
    const call = () =>
      scheduler.step({
        modelOutput: sample,
        timestep: 999,
        sample,
        random: new RandomStream({ seed: 1 }),
      });
    expect(call).toThrow(SchedulerStateError);
    expect(call).toThrow(/setTimesteps/);
    expect(() => scheduler.scaleModelInput(sample, 999)).toThrow(SchedulerStateError);
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(SchedulerStateError.isInstance(caught)).toBe(true);
  });

  it('rejects a timestep outside its schedule and a mismatched model output', () => {
    const scheduler = create();
    scheduler.setTimesteps(steps);
    expect(scheduler.timesteps).toHaveLength(steps);
    const sample = new Float32Array(4);
    const random = new RandomStream({ seed: 1 });
    expect(() => scheduler.step({ modelOutput: sample, timestep: 12.25, sample, random })).toThrow(
      SchedulerStateError,
    );
    expect(() =>
      scheduler.step({ modelOutput: new Float32Array(3), timestep: scheduler.timesteps[0]!, sample, random }),
    ).toThrow(RangeError);
  });

  it('reproduces bit-identical output for the same seed and differs for another seed', async () => {
    const run = async (seed: number) =>
      (
        await denoise({
          session: gaussianSession({ predictionType: 'epsilon', mean: 0.3, std: 0.8 }),
          scheduler: create(),
          model,
          numInferenceSteps: steps,
          dims: [64, 4],
          seed,
        })
      ).sample.data;
    const first = await run(11);
    const second = await run(11);
    expect(new Uint32Array(second.buffer)).toEqual(new Uint32Array(first.buffer));
    const other = await run(12);
    expect(other).not.toEqual(first);
  });
});

describe('DDIM', () => {
  it('with eta = 0 is deterministic: no noise is drawn and repeated steps agree', () => {
    const scheduler = new DdimScheduler({ eta: 0 });
    expect(scheduler.stochastic).toBe(false);
    scheduler.setTimesteps(10);
    const sample = new RandomStream({ seed: 3 }).normal(256);
    const modelOutput = new RandomStream({ seed: 4 }).normal(256);
    const timestep = scheduler.timesteps[3]!;
    const random = new RandomStream({ seed: 9, stream: 1 });
    const first = scheduler.step({ modelOutput, timestep, sample, random }).prevSample;
    const second = scheduler.step({ modelOutput, timestep, sample }).prevSample;
    expect(random.position).toBe(0);
    expect(second).toEqual(first);
  });

  it('step matches eq. 12 written out', () => {
    const scheduler = new DdimScheduler();
    scheduler.setTimesteps(10);
    const alphasCumulative = linearAlphasCumulative();
    const [t, s] = [scheduler.timesteps[2]!, scheduler.timesteps[3]!];
    expect([t, s]).toEqual([700, 600]);
    const sample = Float32Array.of(0.5, -1.25);
    const epsilon = Float32Array.of(0.1, 0.9);
    const { prevSample } = scheduler.step({ modelOutput: epsilon, timestep: t, sample });
    for (let index = 0; index < 2; index++) {
      const a = alphasCumulative[t]!;
      const p = alphasCumulative[s]!;
      const x0 = (sample[index]! - Math.sqrt(1 - a) * epsilon[index]!) / Math.sqrt(a);
      expect(prevSample[index]).toBeCloseTo(Math.sqrt(p) * x0 + Math.sqrt(1 - p) * epsilon[index]!, 5);
    }
  });

  it('requires a random stream when eta > 0', () => {
    const scheduler = new DdimScheduler({ eta: 1 });
    scheduler.setTimesteps(10);
    const sample = new Float32Array(4);
    expect(() => scheduler.step({ modelOutput: sample, timestep: scheduler.timesteps[0]!, sample })).toThrow(
      TypeError,
    );
  });
});

describe('stochastic schedulers', () => {
  it.each([
    ['ddpm', () => new DdpmScheduler()],
    ['euler-ancestral', () => new EulerAncestralDiscreteScheduler()],
  ] as const)('%s draws one normal per element per step from the given stream', (_name, create) => {
    const scheduler = create();
    scheduler.setTimesteps(10);
    const random = new RandomStream({ seed: 5, stream: 1 });
    const sample = new Float32Array(32).fill(0.5);
    scheduler.step({ modelOutput: sample, timestep: scheduler.timesteps[0]!, sample, random });
    expect(random.position).toBe(32);
    expect(() => scheduler.step({ modelOutput: sample, timestep: scheduler.timesteps[1]!, sample })).toThrow(
      TypeError,
    );
  });
});

describe('addNoise', () => {
  it('VP schedulers: √ᾱ_t x_0 + √(1 − ᾱ_t) ε', () => {
    const alphasCumulative = linearAlphasCumulative();
    const scheduler = new DdimScheduler();
    const noisy = scheduler.addNoise({
      originalSample: Float32Array.of(1, -2),
      noise: Float32Array.of(0.5, 0.25),
      timestep: 400,
    });
    const a = alphasCumulative[400]!;
    expect(noisy[0]).toBeCloseTo(Math.sqrt(a) + Math.sqrt(1 - a) * 0.5, 6);
    expect(noisy[1]).toBeCloseTo(-2 * Math.sqrt(a) + Math.sqrt(1 - a) * 0.25, 6);
    expect(() =>
      scheduler.addNoise({ originalSample: new Float32Array(2), noise: new Float32Array(2), timestep: 1000 }),
    ).toThrow(RangeError);
  });

  it('Euler: x_0 + σ_t ε with σ_t = √((1 − ᾱ_t)/ᾱ_t), and scaleModelInput divides by √(σ² + 1)', () => {
    const alphasCumulative = linearAlphasCumulative();
    const scheduler = new EulerDiscreteScheduler({ timestepSpacing: 'leading' });
    const sigma = Math.sqrt((1 - alphasCumulative[600]!) / alphasCumulative[600]!);
    const noisy = scheduler.addNoise({
      originalSample: Float32Array.of(1),
      noise: Float32Array.of(2),
      timestep: 600,
    });
    expect(noisy[0]).toBeCloseTo(1 + 2 * sigma, 5);
    scheduler.setTimesteps(5);
    expect(scheduler.timesteps).toEqual([800, 600, 400, 200, 0]);
    const sigmaMax = Math.sqrt((1 - alphasCumulative[800]!) / alphasCumulative[800]!);
    expect(scheduler.initNoiseSigma).toBeCloseTo(Math.sqrt(sigmaMax ** 2 + 1), 10);
    expect(scheduler.scaleModelInput(Float32Array.of(3), 600)[0]).toBeCloseTo(
      3 / Math.sqrt(sigma ** 2 + 1),
      6,
    );
  });
});

describe('DPM-Solver++', () => {
  it('linspace spacing drops t = 0 like diffusers', () => {
    const scheduler = new DpmSolverMultistepScheduler();
    scheduler.setTimesteps(20);
    expect(scheduler.timesteps.slice(0, 3)).toEqual([999, 949, 899]);
    expect(scheduler.timesteps.at(-1)).toBe(50);
  });

  it('may start anywhere in the schedule but refuses to skip a step of its multistep history', () => {
    const scheduler = new DpmSolverMultistepScheduler();
    scheduler.setTimesteps(5);
    const sample = new Float32Array(4);
    const [, second, third, fourth] = scheduler.timesteps;
    scheduler.step({ modelOutput: sample, timestep: second!, sample });
    scheduler.step({ modelOutput: sample, timestep: third!, sample });
    expect(() => scheduler.step({ modelOutput: sample, timestep: second!, sample })).toThrow(
      SchedulerStateError,
    );
    scheduler.setTimesteps(5);
    scheduler.step({ modelOutput: sample, timestep: second!, sample });
    expect(() => scheduler.step({ modelOutput: sample, timestep: fourth!, sample })).toThrow(
      SchedulerStateError,
    );
  });
});

describe('convertPrediction', () => {
  it('epsilon, v and sample describe the same (x_0, ε)', () => {
    const alpha = 0.6;
    const sigma = 0.8;
    const x0 = Float32Array.of(0.7, -1.1);
    const epsilon = Float32Array.of(-0.3, 0.4);
    const sample = x0.map((value, index) => alpha * value + sigma * epsilon[index]!);
    const velocity = x0.map((value, index) => alpha * epsilon[index]! - sigma * value);
    for (const [predictionType, modelOutput] of [
      ['epsilon', epsilon],
      ['v', velocity],
      ['sample', x0],
    ] as const) {
      const originalSample = new Float32Array(2);
      const noise = new Float32Array(2);
      convertPrediction({
        predictionType,
        alpha,
        sigma,
        modelOutput,
        sample,
        originalSample,
        epsilon: noise,
      });
      for (let index = 0; index < 2; index++) {
        expect(originalSample[index]).toBeCloseTo(x0[index]!, 6);
        expect(noise[index]).toBeCloseTo(epsilon[index]!, 6);
      }
    }
  });
});
