import { describe, expect, it } from 'vitest';
import { ProgressEstimate, plannedStages } from './progress-estimate.js';

describe('plannedStages', () => {
  it("takes the cascade's plan, and repeats the decoder and what follows for each variation", () => {
    const planStages = ['textEncoder', 'prior', 'decoder', 'interpolation'] as const;
    expect(plannedStages({ mode: 'text', planStages })).toEqual([...planStages]);
    expect(plannedStages({ mode: 'variations', planStages, count: 2 })).toEqual([
      'textEncoder',
      'prior',
      'decoder',
      'interpolation',
      'decoder',
      'interpolation',
    ]);
  });
});

describe('ProgressEstimate', () => {
  it('weighs the stages by their work and scales the time so far by the share left', () => {
    let now = 0;
    const estimate = new ProgressEstimate({
      plan: ['textEncoder', 'decoder', 'superResolutionLow'],
      weights: { textEncoder: 0, decoder: 30, superResolutionLow: 10 },
      now: () => now,
    });
    // textEncoder has no weight of its own: it counts as the smallest known one (10 of 50).
    now = 1000;
    expect(estimate.update({ stage: 'textEncoder', step: 1, totalSteps: 1, elapsedMs: 1 })).toEqual({
      stage: 'textEncoder',
      step: 1,
      totalSteps: 1,
      fraction: 0.2,
      etaSeconds: 4,
    });
    now = 4000;
    const half = estimate.update({ stage: 'decoder', step: 2, totalSteps: 4, elapsedMs: 1 });
    expect(half.fraction).toBeCloseTo(25 / 50);
    expect(half.etaSeconds).toBeCloseTo(4);
    now = 8000;
    const last = estimate.update({ stage: 'superResolutionLow', step: 1, totalSteps: 1, elapsedMs: 1 });
    expect(last.fraction).toBe(1);
    expect(last.etaSeconds).toBe(0);
  });

  it('follows a stage that runs twice, as its second run', () => {
    const estimate = new ProgressEstimate({
      plan: ['decoder', 'decoder'],
      weights: { decoder: 1 },
      now: () => 0,
    });
    expect(estimate.update({ stage: 'decoder', step: 2, totalSteps: 2, elapsedMs: 0 }).fraction).toBe(0.5);
    expect(estimate.update({ stage: 'decoder', step: 1, totalSteps: 2, elapsedMs: 0 }).fraction).toBe(0.75);
  });
});
