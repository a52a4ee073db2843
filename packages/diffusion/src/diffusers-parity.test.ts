import { RandomStream } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { DdimScheduler } from './ddim-scheduler.js';
import { DdpmScheduler } from './ddpm-scheduler.js';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep-scheduler.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete-scheduler.js';
import { EulerDiscreteScheduler } from './euler-discrete-scheduler.js';
import type { Scheduler } from './scheduler.js';
import { linearAlphasCumulative } from './testing-gaussian-session.js';

// The reference is diffusers itself: the figures its own scheduler tests assert
// (tests/schedulers/test_scheduler_ddim.py, test_scheduler_dpm_multi.py, test_scheduler_euler.py) for the deterministic inputs of
// their SchedulerCommonTest, and timestep lists computed with numpy 2.4 from the formulas of
// DDIMScheduler.set_timesteps and DPMSolverMultistepScheduler.set_timesteps.

/** `dummy_sample_deter`: arange(4·3·8·8) / 768, permuted; every op below is element-wise, so only the values matter. */
function dummySample(): Float32Array {
  return Float32Array.from({ length: 768 }, (_, index) => index / 768);
}

/** `dummy_noise_deter`: the same values reversed, paired element for element with `dummySample`. */
function dummyNoise(): Float32Array {
  return Float32Array.from({ length: 768 }, (_, index) => (767 - index) / 768);
}

/** `dummy_model`: sample · t / (t + 1), in float32 as torch computes it. */
function dummyModel(sample: Float32Array, timestep: number): Float32Array {
  return sample.map((value) => Math.fround(Math.fround(value * timestep) / (timestep + 1)));
}

/** diffusers' `full_loop`: 10 steps from `sample`, optionally starting at timestep index `start`. */
function fullLoop(scheduler: Scheduler, options: { start?: number; noised?: boolean } = {}): Float32Array {
  scheduler.setTimesteps(10);
  const timesteps = scheduler.timesteps.slice(options.start ?? 0);
  let sample = dummySample();
  if (options.noised) {
    sample = scheduler.addNoise({ originalSample: sample, noise: dummyNoise(), timestep: timesteps[0]! });
  }
  for (const timestep of timesteps) {
    sample = scheduler.step({ modelOutput: dummyModel(sample, timestep), timestep, sample }).prevSample;
  }
  return sample;
}

function absSum(values: Float32Array): number {
  return values.reduce((total, value) => total + Math.abs(value), 0);
}

describe('DdimScheduler against diffusers DDIMScheduler', () => {
  // get_scheduler_config: T = 1000, linear 1e-4 … 0.02, clip_sample True.
  const create = (options: ConstructorParameters<typeof DdimScheduler>[0] = {}) =>
    new DdimScheduler({ clipSample: true, ...options });

  it.each([
    ['test_full_loop_no_noise', {}, 172.0067, 0.223967],
    ['test_full_loop_with_v_prediction', { predictionType: 'v' as const }, 52.5302, 0.0684],
    ['test_full_loop_with_set_alpha_to_one', { setAlphaToOne: true, betaStart: 0.01 }, 149.8295, 0.1951],
    ['test_full_loop_with_no_set_alpha_to_one', { setAlphaToOne: false, betaStart: 0.01 }, 149.0784, 0.1941],
  ])('%s', (_name, options, sum, mean) => {
    const sample = fullLoop(create(options));
    expect(Math.abs(absSum(sample) - sum)).toBeLessThan(1e-2);
    expect(Math.abs(absSum(sample) / sample.length - mean)).toBeLessThan(1e-3);
  });

  it('test_full_loop_with_noise (from timestep index 8)', () => {
    const sample = fullLoop(create(), { start: 8, noised: true });
    expect(Math.abs(absSum(sample) - 354.5418)).toBeLessThan(1e-2);
    expect(Math.abs(absSum(sample) / sample.length - 0.4616)).toBeLessThan(1e-3);
  });

  it('test_steps_offset', () => {
    const scheduler = create({ stepsOffset: 1 });
    scheduler.setTimesteps(5);
    expect(scheduler.timesteps).toEqual([801, 601, 401, 201, 1]);
  });

  it('timestep lists at 30 steps (30 does not divide 1000)', () => {
    const timesteps = (timestepSpacing: 'leading' | 'trailing' | 'linspace') => {
      const scheduler = create({ timestepSpacing });
      scheduler.setTimesteps(30);
      return scheduler.timesteps;
    };
    expect(timesteps('leading')).toEqual([
      957, 924, 891, 858, 825, 792, 759, 726, 693, 660, 627, 594, 561, 528, 495, 462, 429, 396, 363, 330, 297,
      264, 231, 198, 165, 132, 99, 66, 33, 0,
    ]);
    expect(timesteps('trailing')).toEqual([
      999, 966, 932, 899, 866, 832, 799, 766, 732, 699, 666, 632, 599, 566, 532, 499, 466, 432, 399, 366, 332,
      299, 266, 232, 199, 166, 132, 99, 66, 32,
    ]);
    expect(timesteps('linspace')).toEqual([
      999, 965, 930, 896, 861, 827, 792, 758, 723, 689, 655, 620, 586, 551, 517, 482, 448, 413, 379, 344, 310,
      276, 241, 207, 172, 138, 103, 69, 34, 0,
    ]);
  });

  it.each([
    ['trailing', 0, 999, 966],
    ['trailing', 29, 32, -1],
    ['linspace', 1, 965, 932],
    ['linspace', 28, 34, 1],
    ['linspace', 29, 0, -1],
  ] as const)(
    "%s spacing, step %i: from t = %i to t − ⌊T/n⌋ = %i (DDIMScheduler.step's prev_timestep)",
    (timestepSpacing, index, from, to) => {
      const alphasCumulative = linearAlphasCumulative();
      const scheduler = new DdimScheduler({ timestepSpacing });
      scheduler.setTimesteps(30);
      expect(scheduler.timesteps[index]).toBe(from);
      const sample = Float32Array.of(0.5, -1.25);
      const epsilon = Float32Array.of(0.1, 0.9);
      const { prevSample } = scheduler.step({ modelOutput: epsilon, timestep: from, sample });
      // eq. 12 with η = 0; ᾱ = 1 (set_alpha_to_one) below t = 0.
      const a = alphasCumulative[from]!;
      const p = to >= 0 ? alphasCumulative[to]! : 1;
      for (let element = 0; element < 2; element++) {
        const x0 = (sample[element]! - Math.sqrt(1 - a) * epsilon[element]!) / Math.sqrt(a);
        expect(prevSample[element]).toBeCloseTo(Math.sqrt(p) * x0 + Math.sqrt(1 - p) * epsilon[element]!, 5);
      }
    },
  );

  it("previousTimestep: 'schedule' steps to the next listed timestep instead", () => {
    const alphasCumulative = linearAlphasCumulative();
    const scheduler = new DdimScheduler({ timestepSpacing: 'linspace', previousTimestep: 'schedule' });
    scheduler.setTimesteps(30);
    const sample = Float32Array.of(0.5);
    const epsilon = Float32Array.of(0.1);
    const { prevSample } = scheduler.step({ modelOutput: epsilon, timestep: 965, sample });
    const a = alphasCumulative[965]!;
    const p = alphasCumulative[930]!;
    const x0 = (0.5 - Math.sqrt(1 - a) * 0.1) / Math.sqrt(a);
    expect(prevSample[0]).toBeCloseTo(Math.sqrt(p) * x0 + Math.sqrt(1 - p) * 0.1, 5);
  });

  it('useClippedModelOutput re-derives ε̂ from the clipped x̂_0 (default: the model output, as diffusers)', () => {
    const alphasCumulative = linearAlphasCumulative();
    const run = (useClippedModelOutput: boolean) => {
      const scheduler = create({ useClippedModelOutput });
      scheduler.setTimesteps(10);
      return scheduler.step({
        modelOutput: Float32Array.of(-0.5),
        timestep: 900,
        sample: Float32Array.of(0.8),
      }).prevSample[0]!;
    };
    const a = alphasCumulative[900]!;
    const p = alphasCumulative[800]!;
    const x0 = Math.min(1, (0.8 + Math.sqrt(1 - a) * 0.5) / Math.sqrt(a));
    expect(x0).toBe(1);
    expect(run(false)).toBeCloseTo(Math.sqrt(p) * x0 + Math.sqrt(1 - p) * -0.5, 5);
    const rederived = (0.8 - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
    expect(run(true)).toBeCloseTo(Math.sqrt(p) * x0 + Math.sqrt(1 - p) * rederived, 5);
  });
});

describe('DpmSolverMultistepScheduler against diffusers DPMSolverMultistepScheduler', () => {
  // get_scheduler_config: order 2, dpmsolver++, midpoint, lower_order_final False, final_sigmas_type sigma_min.
  const create = (options: ConstructorParameters<typeof DpmSolverMultistepScheduler>[0] = {}) =>
    new DpmSolverMultistepScheduler({ lowerOrderFinal: false, finalSigmaType: 'sigma-min', ...options });

  it('test_full_loop_no_noise', () => {
    const sample = fullLoop(create());
    expect(Math.abs(absSum(sample) / sample.length - 0.3301)).toBeLessThan(1e-3);
  });

  it('test_full_loop_with_v_prediction', () => {
    const sample = fullLoop(create({ predictionType: 'v' }));
    expect(Math.abs(absSum(sample) / sample.length - 0.2251)).toBeLessThan(1e-3);
  });

  it('test_full_loop_with_noise (from timestep index 5)', () => {
    const sample = fullLoop(create(), { start: 5, noised: true });
    expect(Math.abs(absSum(sample) - 318.4111)).toBeLessThan(1e-2);
    expect(Math.abs(absSum(sample) / sample.length - 0.4146)).toBeLessThan(1e-3);
  });

  it('timestep lists: n + 1 points without the last for linspace and leading, n for trailing', () => {
    const timesteps = (
      timestepSpacing: 'leading' | 'trailing' | 'linspace',
      steps: number,
      stepsOffset = 0,
    ) => {
      const scheduler = create({ timestepSpacing, stepsOffset });
      scheduler.setTimesteps(steps);
      return scheduler.timesteps;
    };
    expect(timesteps('linspace', 10)).toEqual([999, 899, 799, 699, 599, 500, 400, 300, 200, 100]);
    expect(timesteps('leading', 10, 1)).toEqual([901, 811, 721, 631, 541, 451, 361, 271, 181, 91]);
    expect(timesteps('leading', 30)).toEqual([
      960, 928, 896, 864, 832, 800, 768, 736, 704, 672, 640, 608, 576, 544, 512, 480, 448, 416, 384, 352, 320,
      288, 256, 224, 192, 160, 128, 96, 64, 32,
    ]);
    expect(timesteps('linspace', 30)).toEqual([
      999, 966, 932, 899, 866, 832, 799, 766, 733, 699, 666, 633, 599, 566, 533, 499, 466, 433, 400, 366, 333,
      300, 266, 233, 200, 166, 133, 100, 67, 33,
    ]);
    expect(timesteps('trailing', 30)).toEqual([
      999, 966, 932, 899, 866, 832, 799, 766, 732, 699, 666, 632, 599, 566, 532, 499, 466, 432, 399, 366, 332,
      299, 266, 232, 199, 166, 132, 99, 66, 32,
    ]);
  });
});

describe('DdpmScheduler against diffusers DDPMScheduler', () => {
  it('steps to t − ⌊T/n⌋ and adds noise whenever t > 0, also on the last step', () => {
    const alphasCumulative = linearAlphasCumulative();
    const scheduler = new DdpmScheduler({ timestepSpacing: 'trailing', varianceType: 'fixed-large' });
    scheduler.setTimesteps(10);
    expect(scheduler.timesteps.at(-1)).toBe(99);
    const random = new RandomStream({ seed: 3, stream: 1 });
    const noise = new RandomStream({ seed: 3, stream: 1 }).normal(1);
    const sample = Float32Array.of(0.25);
    const epsilon = Float32Array.of(0.5);
    const { prevSample } = scheduler.step({ modelOutput: epsilon, timestep: 99, sample, random });
    expect(random.position).toBe(1);
    // prev_t = 99 − 100 < 0: ᾱ_prev = 1, β_t = 1 − ᾱ_99, eq. 7 plus √β_t z.
    const a = alphasCumulative[99]!;
    const x0 = (0.25 - Math.sqrt(1 - a) * 0.5) / Math.sqrt(a);
    expect(prevSample[0]).toBeCloseTo(x0 + Math.sqrt(1 - a) * noise[0]!, 5);
  });
});

describe('EulerDiscreteScheduler against diffusers EulerDiscreteScheduler', () => {
  // get_scheduler_config: T = 1100, linear 1e-4 … 0.02. Their loop replaces the sample by
  // scale_model_input's output and steps that; reproduced as written.
  const loop = (scheduler: EulerDiscreteScheduler) => {
    scheduler.setTimesteps(10);
    let sample: Float32Array = dummySample().map((value) => value * scheduler.initNoiseSigma);
    for (const timestep of scheduler.timesteps) {
      sample = scheduler.scaleModelInput(sample, timestep);
      const modelOutput = sample.map((value) => Math.fround(Math.fround(value * timestep) / (timestep + 1)));
      sample = scheduler.step({ modelOutput, timestep, sample }).prevSample;
    }
    return sample;
  };

  it('test_full_loop_no_noise', () => {
    const sample = loop(new EulerDiscreteScheduler({ numTrainTimesteps: 1100 }));
    expect(Math.abs(absSum(sample) - 10.0807)).toBeLessThan(1e-2);
    expect(Math.abs(absSum(sample) / sample.length - 0.0131)).toBeLessThan(1e-3);
  });

  it('test_full_loop_with_v_prediction', () => {
    const sample = loop(new EulerDiscreteScheduler({ numTrainTimesteps: 1100, predictionType: 'v' }));
    expect(Math.abs(absSum(sample) - 0.0002)).toBeLessThan(1e-2);
  });

  it('linspace timesteps are float32 values (np.linspace(..., dtype=np.float32))', () => {
    const scheduler = new EulerDiscreteScheduler({ numTrainTimesteps: 1100 });
    scheduler.setTimesteps(10);
    expect(scheduler.timesteps[1]).toBe(Math.fround(1099 - 1099 / 9));
    expect(scheduler.timesteps[1]).not.toBe(1099 - 1099 / 9);
  });

  it.each([
    ['euler', EulerDiscreteScheduler, 'linspace', false],
    ['euler', EulerDiscreteScheduler, 'trailing', false],
    ['euler', EulerDiscreteScheduler, 'leading', true],
    ['euler-ancestral', EulerAncestralDiscreteScheduler, 'linspace', false],
    ['euler-ancestral', EulerAncestralDiscreteScheduler, 'leading', true],
  ] as const)(
    '%s, %s spacing: init_noise_sigma is σ_max, or √(σ_max² + 1) for leading',
    (_name, Class, spacing, plusOne) => {
      const scheduler = new Class({ timestepSpacing: spacing });
      scheduler.setTimesteps(10);
      const sigmaMax = scheduler.sigmaAt(scheduler.timesteps[0]!);
      expect(scheduler.initNoiseSigma).toBe(plusOne ? Math.sqrt(sigmaMax ** 2 + 1) : sigmaMax);
      const unitVariance = new Class({ timestepSpacing: spacing, initNoiseSigma: 'unit-variance' });
      unitVariance.setTimesteps(10);
      expect(unitVariance.initNoiseSigma).toBe(Math.sqrt(sigmaMax ** 2 + 1));
    },
  );
});
