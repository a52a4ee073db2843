import { BackendRegistry, BackendResolutionError, BackendUnavailableError } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import {
  CudaProviderMissingError,
  createOnnxruntimeNodeBackend,
  cudaInstallInstructions,
  cudaUnavailableReason,
} from './onnxruntime-node-backend.js';

// These tests describe a machine without the CUDA provider of onnxruntime-node (the CI machines). On a
// machine that has it, the first test checks the opposite: that CUDA initialises.
const ort = await import('onnxruntime-node');
const cudaReason = cudaUnavailableReason(ort.default ?? ort);

describe('asking for CUDA', () => {
  it('fails with the documented error when the CUDA provider is missing (initialises when present)', async () => {
    const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cuda' });
    const error = await backend.init().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (cudaReason === undefined) {
      expect(error).toBeUndefined();
      expect(backend.executionProvider).toBe('cuda');
      return;
    }
    expect(CudaProviderMissingError.isInstance(error)).toBe(true);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('--onnxruntime-node-install=cuda12');
    expect((error as Error).message).toContain(cudaInstallInstructions);
    expect((error as Error).message).toContain(cudaReason);
    expect((error as BackendUnavailableError).backendName).toBe('onnxruntime-node:cuda');
    // Session creation goes through init and fails the same way: nothing silently runs on CPU.
    await expect(backend.createSession(new Uint8Array(8))).rejects.toSatisfy(
      CudaProviderMissingError.isInstance,
    );
  });

  it('falls back to CPU only when the caller allows it, and says why', async () => {
    const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cuda', allowCpuFallback: true });
    await backend.init();
    if (cudaReason === undefined) {
      expect(backend.executionProvider).toBe('cuda');
    } else {
      expect(backend.executionProvider).toBe('cpu');
      expect(backend.fallbackReason).toBe(cudaReason);
    }
  });

  it('the registry lists the CUDA failure and resolves to the next backend', async () => {
    const registry = new BackendRegistry();
    registry.register(createOnnxruntimeNodeBackend({ executionProvider: 'cuda' }), { priority: 10 });
    registry.register(createOnnxruntimeNodeBackend({ executionProvider: 'cpu' }), { priority: 1 });
    const resolved = await registry.resolve();
    if (cudaReason === undefined) {
      expect(resolved.name).toBe('onnxruntime-node:cuda');
      return;
    }
    expect(resolved.name).toBe('onnxruntime-node:cpu');
    const error = await registry
      .resolve(['onnxruntime-node:cuda', 'webgpu-that-is-not-registered'])
      .catch((caught: unknown) => caught);
    expect(BackendResolutionError.isInstance(error)).toBe(true);
    const attempts = (error as BackendResolutionError).attempts;
    expect(attempts.map((attempt) => attempt.name)).toEqual([
      'webgpu-that-is-not-registered',
      'onnxruntime-node:cuda',
    ]);
    expect((error as Error).message).toMatch(/onnxruntime-node:cuda: .*CUDA execution provider/);
    expect((error as Error).message).toMatch(/webgpu-that-is-not-registered: not registered/);
  });

  it('rejects an unknown provider and bad thread counts with RangeError', () => {
    expect(() => createOnnxruntimeNodeBackend({ executionProvider: 'tpu' as 'cpu' })).toThrow(RangeError);
    expect(() => createOnnxruntimeNodeBackend({ threads: 0 })).toThrow(/threads must be a positive integer/);
  });
});
