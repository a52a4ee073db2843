/**
 * A setting the service or a worker cannot start with (a missing model, a bad Redis URL, an unusable
 * results folder): the command prints its message and exits with status 2.
 */
import { MavError } from '@mav/tensor';

const marker = Symbol.for('mav.error.ServiceConfigError');

/** A start-up setting that cannot be used; the message says which and what to do. */
export class ServiceConfigError extends MavError {
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super('service-config', message, options);
    this.name = 'ServiceConfigError';
  }

  static override isInstance(error: unknown): error is ServiceConfigError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
