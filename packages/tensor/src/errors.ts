/**
 * Typed errors shared by every mav package.
 *
 * Checks use a `Symbol.for(...)` marker instead of `instanceof`, so that an error thrown by one copy of
 * a package is still recognised when a bundle ends up holding two copies of it. Each class has its own
 * marker, and `MavError.isInstance` recognises every mav error.
 */

const mavErrorMarker = Symbol.for('mav.error');

function markerFor(name: string): symbol {
  return Symbol.for(`mav.error.${name}`);
}

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/**
 * Base class of every error a mav package throws on purpose. `code` is a stable, machine-readable
 * identifier (the class name in kebab case) that survives serialisation, e.g. across a Worker boundary.
 */
export class MavError extends Error {
  readonly [mavErrorMarker] = true;
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MavError';
    this.code = code;
  }

  /** True for any error thrown by a mav package, whichever copy of the package threw it. */
  static isInstance(error: unknown): error is MavError {
    return hasMarker(error, mavErrorMarker);
  }
}

/**
 * The marker of a MavError subclass named `name` (`Symbol.for('mav.error.<name>')`) and its test: every error
 * class of every mav package declares `readonly [marker.marker] = true` and
 * `static override isInstance(error) { return marker.is(error); }` with it, so the check survives two copies
 * of a package in one bundle.
 */
export function defineErrorMarker(name: string): { marker: symbol; is: (error: unknown) => boolean } {
  const marker = markerFor(name);
  return {
    marker,
    is: (error: unknown) => hasMarker(error, marker),
  };
}

const unsupported = defineErrorMarker('UnsupportedError');
/** An operation, dtype or device location that this component or backend does not provide. */
export class UnsupportedError extends MavError {
  readonly [unsupported.marker] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('unsupported', message, options);
    this.name = 'UnsupportedError';
  }
  static override isInstance(error: unknown): error is UnsupportedError {
    return unsupported.is(error);
  }
}

const disposed = defineErrorMarker('DisposedError');
/** A tensor or session was used after `dispose()` / `release()`. */
export class DisposedError extends MavError {
  readonly [disposed.marker] = true;
  constructor(message: string) {
    super('disposed', message);
    this.name = 'DisposedError';
  }
  static override isInstance(error: unknown): error is DisposedError {
    return disposed.is(error);
  }
}

const backendUnavailable = defineErrorMarker('BackendUnavailableError');
/**
 * A backend cannot run here: its runtime failed to load, or an execution provider (e.g. CUDA) is not
 * installed. The message says how to make it available.
 */
export class BackendUnavailableError extends MavError {
  readonly [backendUnavailable.marker] = true;
  readonly backendName: string;
  constructor(backendName: string, message: string, options?: { cause?: unknown }) {
    super('backend-unavailable', message, options);
    this.name = 'BackendUnavailableError';
    this.backendName = backendName;
  }
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return backendUnavailable.is(error);
  }
}

/** One backend that the resolver tried, and why it could not be used. */
export interface BackendAttempt {
  readonly name: string;
  readonly reason: string;
  readonly error?: unknown;
}

const backendResolution = defineErrorMarker('BackendResolutionError');
/** No registered backend could be initialised; lists every backend tried and why each failed. */
export class BackendResolutionError extends MavError {
  readonly [backendResolution.marker] = true;
  readonly attempts: readonly BackendAttempt[];
  constructor(attempts: readonly BackendAttempt[], requested?: readonly string[]) {
    const list =
      attempts.length === 0
        ? '  (none registered)'
        : attempts.map((attempt) => `  - ${attempt.name}: ${attempt.reason}`).join('\n');
    const what = requested && requested.length > 0 ? `any of [${requested.join(', ')}]` : 'any backend';
    super(
      'backend-resolution',
      `Could not initialise ${what}. Tried:\n${list}\nRegister a backend with registerBackend() (e.g. import '@mav/backend-onnxruntime-node').`,
    );
    this.name = 'BackendResolutionError';
    this.attempts = attempts;
  }
  static override isInstance(error: unknown): error is BackendResolutionError {
    return backendResolution.is(error);
  }
}

const sessionInput = defineErrorMarker('SessionInputError');
/**
 * Feeds given to `Session.run` do not match the model: an unknown or missing input name, a wrong dtype or a
 * wrong shape. The message names the input and gives expected vs actual.
 */
export class SessionInputError extends MavError {
  readonly [sessionInput.marker] = true;
  readonly inputName: string | undefined;
  constructor(message: string, inputName?: string) {
    super('session-input', message);
    this.name = 'SessionInputError';
    this.inputName = inputName;
  }
  static override isInstance(error: unknown): error is SessionInputError {
    return sessionInput.is(error);
  }
}

const modelLoad = defineErrorMarker('ModelLoadError');
/** A backend could not create a session from the model bytes it was given. */
export class ModelLoadError extends MavError {
  readonly [modelLoad.marker] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('model-load', message, options);
    this.name = 'ModelLoadError';
  }
  static override isInstance(error: unknown): error is ModelLoadError {
    return modelLoad.is(error);
  }
}

const sessionRun = defineErrorMarker('SessionRunError');
/** The runtime failed while running a session whose feeds were valid. */
export class SessionRunError extends MavError {
  readonly [sessionRun.marker] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('session-run', message, options);
    this.name = 'SessionRunError';
  }
  static override isInstance(error: unknown): error is SessionRunError {
    return sessionRun.is(error);
  }
}

const aborted = defineErrorMarker('AbortError');
/** Long work stopped because its `AbortSignal` fired. `reason` is the signal's reason. */
export class AbortError extends MavError {
  readonly [aborted.marker] = true;
  readonly reason: unknown;
  constructor(message = 'The operation was aborted.', reason?: unknown) {
    super('aborted', message, { cause: reason });
    this.name = 'AbortError';
    this.reason = reason;
  }
  static override isInstance(error: unknown): error is AbortError {
    return aborted.is(error);
  }
}

/** Throws an `AbortError` when `signal` has fired; call between units of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, what = 'The operation'): void {
  if (signal?.aborted) {
    throw new AbortError(`${what} was aborted.`, signal.reason);
  }
}
