import {
  DdimScheduler,
  DdpmScheduler,
  DpmSolverMultistepScheduler,
  EulerAncestralDiscreteScheduler,
  EulerDiscreteScheduler,
  type Scheduler,
  type SchedulerOptions,
} from '@mav/diffusion';
import type { SchedulerManifest } from './manifest/manifest-schema.js';

/** A fresh `@mav/diffusion` scheduler from a manifest's scheduler entry. */
export function createScheduler(entry: SchedulerManifest): Scheduler {
  // timestepDtype is a contract of the graph's input, not a scheduler option.
  const { kind, eta, timestepDtype: _timestepDtype, ...rest } = entry;
  const options = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined),
  ) as SchedulerOptions;
  switch (kind) {
    case 'ddim':
      return new DdimScheduler({ ...options, ...(eta === undefined ? {} : { eta }) });
    case 'ddpm':
      return new DdpmScheduler(options);
    case 'dpm-solver++':
      return new DpmSolverMultistepScheduler(options);
    case 'euler':
      return new EulerDiscreteScheduler(options);
    case 'euler-ancestral':
      return new EulerAncestralDiscreteScheduler(options);
  }
}
