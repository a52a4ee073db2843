import { createSchedulerByName, type Scheduler } from '@mav/diffusion';
import type { SchedulerManifest } from './manifest/manifest-schema.js';

/**
 * A fresh `@mav/diffusion` scheduler from a manifest's scheduler entry (`createSchedulerByName`; the
 * entry's `timestepDtype` is a contract of the graph's input, not a scheduler option).
 */
export function createScheduler(entry: SchedulerManifest): Scheduler {
  const { timestepDtype: _timestepDtype, ...options } = entry;
  return createSchedulerByName(options);
}
