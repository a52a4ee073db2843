import { describe, expect, it } from 'vitest';
import { guidanceRows, isGuided } from './guidance-rows.js';
import { createSchedulerByName, schedulerKinds } from './scheduler-by-name.js';

describe('guidance rows', () => {
  it('doubles the batch for every scale but 1', () => {
    expect(guidanceRows({ batch: 3, guidanceScale: 1 })).toBe(3);
    for (const guidanceScale of [0, 0.5, 3, 7.5]) expect(guidanceRows({ batch: 3, guidanceScale })).toBe(6);
    expect(isGuided(1)).toBe(false);
    expect(isGuided(1.0001)).toBe(true);
  });

  it('refuses a batch that is not a positive integer and a scale that is not a number', () => {
    expect(() => guidanceRows({ batch: 0, guidanceScale: 2 })).toThrow(RangeError);
    expect(() => guidanceRows({ batch: 1.5, guidanceScale: 2 })).toThrow(/batch/);
    expect(() => isGuided(Number.NaN)).toThrow(TypeError);
  });
});

describe('createSchedulerByName', () => {
  it('makes every kind with the options given', () => {
    const names = schedulerKinds.map(
      (kind) => createSchedulerByName({ kind, betaSchedule: 'squared-cosine', predictionType: 'v' }).name,
    );
    expect(names).toEqual(['ddim', 'ddpm', 'dpm-solver-multistep', 'euler', 'euler-ancestral']);
    const ddim = createSchedulerByName({ kind: 'ddim', predictionType: 'sample', eta: 0.5 });
    expect(ddim.predictionType).toBe('sample');
  });

  it('names the kinds it knows for an unknown one', () => {
    expect(() => createSchedulerByName({ kind: 'plms' as never })).toThrow(/ddim, ddpm, dpm-solver\+\+/);
  });
});
