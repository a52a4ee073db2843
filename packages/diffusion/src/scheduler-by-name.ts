import { DdimScheduler } from './ddim-scheduler.js';
import { DdpmScheduler } from './ddpm-scheduler.js';
import { DpmSolverMultistepScheduler } from './dpm-solver-multistep-scheduler.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral-discrete-scheduler.js';
import { EulerDiscreteScheduler } from './euler-discrete-scheduler.js';
import type { Scheduler, SchedulerOptions } from './scheduler.js';

/** The scheduler names model files use (`createSchedulerByName`). */
export const schedulerKinds = ['ddim', 'ddpm', 'dpm-solver++', 'euler', 'euler-ancestral'] as const;

/** One of {@link schedulerKinds}. */
export type SchedulerKind = (typeof schedulerKinds)[number];

/** Options of `createSchedulerByName`: the kind, the shared options and DDIM's η. */
export interface SchedulerByNameOptions extends SchedulerOptions {
  kind: SchedulerKind;
  /** DDIM η (default 0: deterministic); only for 'ddim'. */
  eta?: number;
}

/**
 * A fresh scheduler from its name and options (e.g. a model manifest's `scheduler` entry): 'ddim',
 * 'ddpm', 'dpm-solver++' (multistep, order 2), 'euler', 'euler-ancestral'. Undefined options keep the
 * scheduler's defaults.
 */
export function createSchedulerByName(options: SchedulerByNameOptions): Scheduler {
  const { kind, eta, ...rest } = options;
  const shared = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as SchedulerOptions;
  switch (kind) {
    case 'ddim':
      return new DdimScheduler({ ...shared, ...(eta === undefined ? {} : { eta }) });
    case 'ddpm':
      return new DdpmScheduler(shared);
    case 'dpm-solver++':
      return new DpmSolverMultistepScheduler(shared);
    case 'euler':
      return new EulerDiscreteScheduler(shared);
    case 'euler-ancestral':
      return new EulerAncestralDiscreteScheduler(shared);
    default:
      throw new RangeError(
        `kind must be one of ${schedulerKinds.join(', ')}, got ${String(kind as unknown)}.`,
      );
  }
}
