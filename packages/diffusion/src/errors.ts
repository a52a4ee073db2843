import { MavError } from '@mav/tensor';

const schedulerStateMarker = Symbol.for('mav.error.SchedulerStateError');

/**
 * A scheduler was used out of order: `step` (or `scaleModelInput`) before `setTimesteps`, or with a
 * timestep that is not in its current schedule. The message says which call to make first.
 */
export class SchedulerStateError extends MavError {
  readonly [schedulerStateMarker] = true;
  constructor(message: string) {
    super('scheduler-state', message);
    this.name = 'SchedulerStateError';
  }
  /** True for a `SchedulerStateError` from any copy of this package. */
  static override isInstance(error: unknown): error is SchedulerStateError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[schedulerStateMarker] === true
    );
  }
}
