import { describe, expect, it } from 'vitest';
import { BackendRegistry, defaultBackendRegistry } from './backend-registry.js';
import type { Backend } from './backend-specification.js';
import { BackendResolutionError, BackendUnavailableError, MavError, SessionInputError } from './errors.js';

function fakeBackend(name: string, init: () => Promise<void> = async () => {}): Backend & { inits: number } {
  const backend = {
    specificationVersion: 'v1' as const,
    name,
    capabilities: { ops: [], dtypes: [], outputLocations: ['cpu' as const], opsetRange: [17, 17] as const },
    inits: 0,
    async init() {
      backend.inits++;
      await init();
    },
    async createSession(): Promise<never> {
      throw new Error('not used');
    },
  };
  return backend;
}

describe('BackendRegistry', () => {
  it('resolves by priority, initialises lazily and only once', async () => {
    const registry = new BackendRegistry();
    const low = fakeBackend('low');
    const high = fakeBackend('high');
    registry.register(low, { priority: 1 });
    registry.register(high, { priority: 5 });
    expect(registry.list()).toEqual(['high', 'low']);
    expect(high.inits).toBe(0);
    expect(await registry.resolve()).toBe(high);
    expect(await registry.resolve()).toBe(high);
    expect(high.inits).toBe(1);
    expect(low.inits).toBe(0);
    expect(await registry.resolve(['low'])).toBe(low);
  });

  it('throws one error listing every backend tried and why', async () => {
    const registry = new BackendRegistry();
    registry.register(
      fakeBackend('webgpu', async () =>
        Promise.reject(new BackendUnavailableError('webgpu', 'navigator.gpu is missing')),
      ),
      { priority: 2 },
    );
    registry.register(
      fakeBackend('wasm', async () => Promise.reject(new Error('wasm file 404'))),
      { priority: 1 },
    );
    const error = await registry.resolve().catch((caught: unknown) => caught);
    expect(BackendResolutionError.isInstance(error)).toBe(true);
    expect(MavError.isInstance(error)).toBe(true);
    const resolution = error as BackendResolutionError;
    expect(resolution.attempts.map((attempt) => [attempt.name, attempt.reason])).toEqual([
      ['webgpu', 'navigator.gpu is missing'],
      ['wasm', 'wasm file 404'],
    ]);
    expect(resolution.message).toContain('- webgpu: navigator.gpu is missing');
    expect(resolution.message).toContain('- wasm: wasm file 404');
  });

  it('retries a backend whose init failed before', async () => {
    const registry = new BackendRegistry();
    let fail = true;
    const flaky = fakeBackend('flaky', async () => {
      if (fail) throw new Error('not yet');
    });
    registry.register(flaky);
    await expect(registry.resolve()).rejects.toThrow(/flaky: not yet/);
    fail = false;
    expect(await registry.resolve()).toBe(flaky);
  });

  it('rejects backends of another specification version and bad priorities', () => {
    const registry = new BackendRegistry();
    expect(() => registry.register({ ...fakeBackend('v2'), specificationVersion: 'v2' as 'v1' })).toThrow(
      RangeError,
    );
    expect(() => registry.register(fakeBackend('x'), { priority: Number.NaN })).toThrow(RangeError);
    expect(() => registry.register({} as Backend)).toThrow(TypeError);
  });

  it('shares one default registry between copies of the package', () => {
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('mav.backend-registry')]).toBe(
      defaultBackendRegistry,
    );
  });
});

describe('typed errors', () => {
  it('are recognised by marker, also when thrown by another copy of the package', () => {
    const error = new SessionInputError('bad input', 'x');
    expect(SessionInputError.isInstance(error)).toBe(true);
    expect(MavError.isInstance(error)).toBe(true);
    expect(BackendUnavailableError.isInstance(error)).toBe(false);
    // What a second copy of @mav/tensor would throw: another class, the same Symbol.for markers.
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('mav.error')]: true,
      [Symbol.for('mav.error.SessionInputError')]: true,
    });
    expect(SessionInputError.isInstance(foreign)).toBe(true);
    expect(SessionInputError.isInstance(new Error('plain'))).toBe(false);
    expect(error.code).toBe('session-input');
  });
});
