import { describe, expect, it } from 'vitest';
import { alphasCumulativeProduct, betaSchedule } from './noise-schedule.js';
import { roundHalfEven, spaceTimesteps } from './timestep-spacing.js';

describe('betaSchedule', () => {
  it('linear: evenly spaced from betaStart to betaEnd', () => {
    const betas = betaSchedule({ kind: 'linear', numTrainTimesteps: 1000 });
    expect(betas[0]).toBeCloseTo(1e-4, 15);
    expect(betas[999]).toBeCloseTo(0.02, 15);
    expect(betas[500]).toBeCloseTo(1e-4 + (0.0199 * 500) / 999, 15);
  });

  it('scaled-linear: √β evenly spaced', () => {
    const betas = betaSchedule({ kind: 'scaled-linear', numTrainTimesteps: 1000 });
    expect(betas[0]).toBeCloseTo(0.00085, 15);
    expect(betas[999]).toBeCloseTo(0.012, 15);
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * 321) / 999;
    expect(betas[321]).toBeCloseTo(root * root, 15);
  });

  it('squared-cosine: ᾱ_t follows cos²((t/T + s)/(1 + s) · π/2) / ᾱ(0) until the cap', () => {
    const betas = betaSchedule({ kind: 'squared-cosine', numTrainTimesteps: 1000 });
    const alphasCumulative = alphasCumulativeProduct(betas);
    const f = (t: number) => Math.cos(((t / 1000 + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (const t of [0, 10, 250, 500, 900]) {
      expect(alphasCumulative[t]! / (f(t + 1) / f(0))).toBeCloseTo(1, 10);
    }
    expect(Math.max(...betas)).toBe(0.999);
    expect(betas[999]).toBe(0.999);
  });

  it("squared-cosine: the values of diffusers' betas_for_alpha_bar (max_beta 0.999)", () => {
    // Python floats from betas_for_alpha_bar(1000) and (50), before diffusers converts them to a tensor.
    const betas = betaSchedule({ kind: 'squared-cosine', numTrainTimesteps: 1000 });
    for (const [t, beta] of [
      [0, 4.128422482196914e-5],
      [1, 4.614175273665033e-5],
      [500, 0.003155691441585007],
      [990, 0.18998754207369384],
      [998, 0.7499993929011166],
      [999, 0.999],
    ] as const) {
      expect(Math.abs(betas[t]! - beta) / beta).toBeLessThan(1e-12);
    }
    const short = betaSchedule({ kind: 'squared-cosine', numTrainTimesteps: 50 });
    expect(short[0]! / 0.0017475135338653747 - 1).toBeCloseTo(0, 12);
    expect(short[48]! / 0.7497570035157484 - 1).toBeCloseTo(0, 12);
    expect(short[49]).toBe(0.999);
    expect(betaSchedule({ kind: 'squared-cosine', maxBeta: 0.5 })[999]).toBe(0.5);
  });

  it('validates its options', () => {
    expect(() => betaSchedule({ numTrainTimesteps: 0 })).toThrow(RangeError);
    expect(() => betaSchedule({ betaStart: 2 })).toThrow(/betaStart/);
    expect(() => betaSchedule({ kind: 'quadratic' as never })).toThrow(RangeError);
  });

  it('alphasCumulativeProduct is the running product of 1 − β', () => {
    expect([...alphasCumulativeProduct([0.5, 0.5, 0.2])]).toEqual([0.5, 0.25, 0.2]);
  });
});

describe('spaceTimesteps (values as diffusers computes them)', () => {
  it('leading', () => {
    expect(spaceTimesteps({ spacing: 'leading', numInferenceSteps: 4, numTrainTimesteps: 1000 })).toEqual([
      750, 500, 250, 0,
    ]);
    const sd = spaceTimesteps({
      spacing: 'leading',
      numInferenceSteps: 50,
      numTrainTimesteps: 1000,
      stepsOffset: 1,
    });
    expect(sd.slice(0, 3)).toEqual([981, 961, 941]);
    expect(sd.at(-1)).toBe(1);
  });

  it('trailing starts at T − 1', () => {
    expect(spaceTimesteps({ spacing: 'trailing', numInferenceSteps: 4, numTrainTimesteps: 1000 })).toEqual([
      999, 749, 499, 249,
    ]);
    // 1000 − 62.5·k rounds half to even: 937.5 → 938, 812.5 → 812.
    expect(
      spaceTimesteps({ spacing: 'trailing', numInferenceSteps: 16, numTrainTimesteps: 1000 }).slice(0, 4),
    ).toEqual([999, 937, 874, 811]);
  });

  it('linspace covers [0, T − 1], rounded or fractional', () => {
    expect(spaceTimesteps({ spacing: 'linspace', numInferenceSteps: 4, numTrainTimesteps: 1000 })).toEqual([
      999, 666, 333, 0,
    ]);
    const fractional = spaceTimesteps({
      spacing: 'linspace',
      numInferenceSteps: 3,
      numTrainTimesteps: 1000,
      round: false,
    });
    expect(fractional).toEqual([999, 499.5, 0]);
    // np.linspace(0, T - 1, 1) is [0].
    expect(spaceTimesteps({ spacing: 'linspace', numInferenceSteps: 1, numTrainTimesteps: 1000 })).toEqual([
      0,
    ]);
  });

  it("numpy's float arithmetic: linspace is i·step, trailing's arange may hold an extra ≈0 value", () => {
    // np.linspace(0, 99, 47).round(): 23·(99/46) = 49.49999… rounds to 49, where (99·23)/46 = 49.5 would give 50.
    const reference = [
      99, 97, 95, 93, 90, 88, 86, 84, 82, 80, 77, 75, 73, 71, 69, 67, 65, 62, 60, 58, 56, 54, 52, 49, 47, 45,
      43, 41, 39, 37, 34, 32, 30, 28, 26, 24, 22, 19, 17, 15, 13, 11, 9, 6, 4, 2, 0,
    ];
    expect(spaceTimesteps({ spacing: 'linspace', numInferenceSteps: 47, numTrainTimesteps: 100 })).toEqual(
      reference,
    );
    // np.arange(1000, 0, -1000/61) has 62 values (the last ≈ 0, diffusers' timestep −1): the first 61 count.
    const trailing = spaceTimesteps({ spacing: 'trailing', numInferenceSteps: 61, numTrainTimesteps: 1000 });
    expect(trailing).toHaveLength(61);
    expect(trailing.slice(-3)).toEqual([48, 32, 15]);
  });

  it('dropFinal spaces n + 1 timesteps and drops the cleanest (DPMSolverMultistepScheduler)', () => {
    expect(
      spaceTimesteps({ spacing: 'leading', numInferenceSteps: 4, numTrainTimesteps: 1000, dropFinal: true }),
    ).toEqual([800, 600, 400, 200]);
    expect(
      spaceTimesteps({ spacing: 'linspace', numInferenceSteps: 3, numTrainTimesteps: 1000, dropFinal: true }),
    ).toEqual([999, 666, 333]);
  });

  it('rejects a stepsOffset that lands past T − 1 (diffusers would index past its table)', () => {
    expect(() =>
      spaceTimesteps({
        spacing: 'leading',
        numInferenceSteps: 1000,
        numTrainTimesteps: 1000,
        stepsOffset: 1,
      }),
    ).toThrow(/stepsOffset 1 puts timestep 1000/);
  });

  it('rejects more steps than training timesteps', () => {
    expect(() =>
      spaceTimesteps({ spacing: 'leading', numInferenceSteps: 1001, numTrainTimesteps: 1000 }),
    ).toThrow(RangeError);
  });

  it('roundHalfEven rounds ties to even', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3]);
  });
});
