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
