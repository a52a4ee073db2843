import { RandomStream } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { DdimScheduler } from './ddim-scheduler.js';
import { DdpmScheduler } from './ddpm-scheduler.js';
import { denoise } from './denoising-loop.js';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep-scheduler.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete-scheduler.js';
import { EulerDiscreteScheduler } from './euler-discrete-scheduler.js';
import type { PredictionType } from './prediction-type.js';
import type { Scheduler } from './scheduler.js';
import {
  gaussianSession,
  moments,
  type ReferenceSampler,
  referenceSamplerMoments,
} from './testing-gaussian-session.js';

// Data x_0 ~ N(μ, s²) per dimension: the exact ε / v predictor is known in closed form
// (testing-gaussian-session.ts), so each sampler, run through `denoise` with a Session that computes it,
// must produce N(μ, s²) samples up to (a) its discretisation error at the step count and (b) the sampling
// error of 20k samples: s/√20000 = 0.7% of s for the mean, s/√40000 = 0.5% of s for the std.
//
// Three checks per sampler:
// 1. At its usual step count, the samples match the exact output distribution of the *discretised*
//    sampler (a closed-form scalar recursion, `referenceSamplerMoments`) within 2% of s (mean and std);
//    for deterministic samplers every sample also equals A·z + B for its initial noise z (to 1e-4).
// 2. At its usual step count, mean within 2% of s of μ and std within the sampler's stated tolerance of s:
//    2% plus its discretisation bias (few-step samplers under-disperse: DDIM's ε̂ is frozen over each step,
//    Euler is first order). The tolerances below bound the closed-form bias of (1) + 2%.
// 3. At 1000 steps every sampler matches N(μ, s²) within 2% (the bias of (2) vanishes as steps grow).
const numSamples = 20_000;
const seed = 7;
const distributions = [
  { mean: 1, std: 0.5 },
  { mean: -0.5, std: 1.5 },
];

interface SamplerCase {
  label: string;
  reference: ReferenceSampler;
  eta?: number;
  steps: number;
  /** Tolerance on |std/s − 1| at `steps`: 2% + the discretisation bias for these distributions. */
  stdTolerance: number;
  deterministic: boolean;
  create: (predictionType: PredictionType) => Scheduler;
}

const samplers: SamplerCase[] = [
  {
    label: 'DDPM',
    reference: 'ddpm',
    steps: 1000,
    stdTolerance: 0.02,
    deterministic: false,
    create: (predictionType) => new DdpmScheduler({ predictionType }),
  },
  {
    label: 'DDIM (eta 0)',
    reference: 'ddim',
    steps: 50,
    stdTolerance: 0.08,
    deterministic: true,
    create: (predictionType) => new DdimScheduler({ predictionType }),
  },
  {
    label: 'DDIM (eta 1)',
    reference: 'ddim',
    eta: 1,
    steps: 50,
    stdTolerance: 0.14,
    deterministic: false,
    create: (predictionType) => new DdimScheduler({ predictionType, eta: 1 }),
  },
  {
    label: 'DPM-Solver++ 2M',
    reference: 'dpm-solver-2m',
    steps: 20,
    stdTolerance: 0.07,
    deterministic: true,
    create: (predictionType) => new DpmSolverMultistepScheduler({ predictionType }),
  },
  {
    label: 'Euler',
    reference: 'euler',
    steps: 30,
    stdTolerance: 0.12,
    deterministic: true,
    create: (predictionType) => new EulerDiscreteScheduler({ predictionType }),
  },
  {
    label: 'Euler ancestral',
    reference: 'euler-ancestral',
    steps: 30,
    stdTolerance: 0.2,
    deterministic: false,
    create: (predictionType) => new EulerAncestralDiscreteScheduler({ predictionType }),
  },
];

async function sampleWith(
  scheduler: Scheduler,
  predictionType: PredictionType,
  steps: number,
  mean: number,
  std: number,
) {
  const session = gaussianSession({ predictionType, mean, std });
  const { sample, timesteps } = await denoise({
    session,
    scheduler,
    model: {
      sampleInput: 'sample',
      timestepInput: { name: 'timestep', dtype: 'float32' },
      output: 'prediction',
    },
    numInferenceSteps: steps,
    dims: [numSamples, 1],
    seed,
  });
  expect(session.runs).toBe(steps);
  return { data: sample.data, timesteps, initNoiseSigma: scheduler.initNoiseSigma };
}

describe('samplers fed the exact predictor for N(μ, s²) data', () => {
  for (const sampler of samplers) {
    for (const predictionType of ['epsilon', 'v'] as const) {
      for (const { mean, std } of distributions) {
        it(`${sampler.label}, ${sampler.steps} steps, ${predictionType}, N(${mean}, ${std}²)`, async () => {
          const { data, timesteps, initNoiseSigma } = await sampleWith(
            sampler.create(predictionType),
            predictionType,
            sampler.steps,
            mean,
            std,
          );
          const result = moments(data);
          const reference = referenceSamplerMoments({
            sampler: sampler.reference,
            timesteps,
            mean,
            std,
            eta: sampler.eta ?? 0,
            initNoiseSigma,
          });
          // 1. The discretised sampler's exact distribution.
          expect(Math.abs(result.mean - reference.mean)).toBeLessThanOrEqual(0.02 * std);
          expect(Math.abs(result.std - reference.std)).toBeLessThanOrEqual(0.02 * std);
          if (sampler.deterministic) {
            expect(reference.noiseVariance).toBe(0);
            const noise = new RandomStream({ seed, stream: 0 }).normal(numSamples);
            let worst = 0;
            for (let index = 0; index < numSamples; index++) {
              worst = Math.max(
                worst,
                Math.abs(data[index]! - (reference.scale * noise[index]! + reference.offset)),
              );
            }
            expect(worst).toBeLessThanOrEqual(1e-4);
          }
          // 2. The data distribution, within the stated tolerance.
          expect(Math.abs(result.mean - mean)).toBeLessThanOrEqual(0.02 * std);
          expect(Math.abs(result.std / std - 1)).toBeLessThanOrEqual(sampler.stdTolerance);
        });
      }
    }
  }

  for (const sampler of samplers.filter(({ steps }) => steps < 1000)) {
    it(`${sampler.label} converges to N(μ, s²) within 2% at 1000 steps`, async () => {
      const { mean, std } = distributions[0]!;
      const { data } = await sampleWith(sampler.create('epsilon'), 'epsilon', 1000, mean, std);
      const result = moments(data);
      expect(Math.abs(result.mean - mean)).toBeLessThanOrEqual(0.02 * std);
      expect(Math.abs(result.std / std - 1)).toBeLessThanOrEqual(0.02);
    });
  }
});
