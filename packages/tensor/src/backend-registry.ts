import type { Backend } from './backend-specification.js';
import { type BackendAttempt, BackendResolutionError, MavError } from './errors.js';
import { describe } from './shape.js';

interface Registration {
  readonly backend: Backend;
  readonly priority: number;
  readonly order: number;
  initialization?: Promise<void>;
}

/**
 * A set of backends with priorities. Backends initialise lazily: `resolve` tries them in priority order
 * (higher first; registration order breaks ties), remembers each initialisation, and throws one
 * `BackendResolutionError` that lists every backend tried and why it failed.
 *
 * Most code uses the shared `defaultBackendRegistry` through `registerBackend` / `resolveBackend`.
 */
export class BackendRegistry {
  readonly #registrations = new Map<string, Registration>();
  #counter = 0;

  /** Adds (or replaces) a backend under its name. */
  register(backend: Backend, options: { priority?: number } = {}): void {
    if (typeof backend !== 'object' || backend === null || typeof backend.createSession !== 'function') {
      throw new TypeError(`backend must implement the Backend specification, got ${describe(backend)}.`);
    }
    if (backend.specificationVersion !== 'v1') {
      throw new RangeError(
        `backend '${backend.name}' implements specification ${String(backend.specificationVersion)}; this @mav/tensor supports 'v1'.`,
      );
    }
    const priority = options.priority ?? 0;
    if (!Number.isFinite(priority)) {
      throw new RangeError(`priority must be a finite number, got ${priority}.`);
    }
    this.#registrations.set(backend.name, { backend, priority, order: this.#counter++ });
  }

  /** Removes a backend; returns whether it was registered. */
  unregister(name: string): boolean {
    return this.#registrations.delete(name);
  }

  /** Registered backend names, highest priority first. */
  list(): string[] {
    return this.#sorted().map((registration) => registration.backend.name);
  }

  /**
   * The first backend (of `names`, in that order, or of all registered ones by priority) that
   * initialises. A backend whose init failed is retried on the next call.
   */
  async resolve(names?: readonly string[]): Promise<Backend> {
    const attempts: BackendAttempt[] = [];
    const candidates =
      names === undefined
        ? this.#sorted()
        : names.map((name) => {
            const registration = this.#registrations.get(name);
            if (!registration) {
              attempts.push({ name, reason: 'not registered' });
            }
            return registration;
          });
    for (const registration of candidates) {
      if (!registration) continue;
      try {
        registration.initialization ??= registration.backend.init();
        await registration.initialization;
        return registration.backend;
      } catch (error) {
        registration.initialization = undefined;
        const reason = MavError.isInstance(error) || error instanceof Error ? error.message : String(error);
        attempts.push({ name: registration.backend.name, reason, error });
      }
    }
    throw new BackendResolutionError(attempts, names);
  }

  #sorted(): Registration[] {
    return [...this.#registrations.values()].sort((a, b) => b.priority - a.priority || a.order - b.order);
  }
}

const registryKey = Symbol.for('mav.backend-registry');

/**
 * The process-wide registry. Kept on `globalThis` under a `Symbol.for` key so that two copies of
 * @mav/tensor in one bundle still share one registry.
 */
export const defaultBackendRegistry: BackendRegistry = sharedRegistry();

function sharedRegistry(): BackendRegistry {
  const holder = globalThis as Record<symbol, unknown>;
  if (!(holder[registryKey] instanceof Object)) {
    holder[registryKey] = new BackendRegistry();
  }
  return holder[registryKey] as BackendRegistry;
}

/** Registers a backend in the default registry. Higher priority is tried first by `resolveBackend()`. */
export function registerBackend(backend: Backend, priority = 0): void {
  defaultBackendRegistry.register(backend, { priority });
}

/** Resolves a backend from the default registry; see `BackendRegistry.resolve`. */
export function resolveBackend(names?: readonly string[]): Promise<Backend> {
  return defaultBackendRegistry.resolve(names);
}
