import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  OnnxruntimeSession,
  type OrtTensorConstructor,
  onnxruntimeOps,
} from '@mav/backend-onnxruntime-common';
import {
  type Backend,
  type BackendCapabilities,
  BackendUnavailableError,
  ModelLoadError,
  type Session,
  type SessionOptions,
  UnsupportedError,
} from '@mav/tensor';
import type * as OrtNode from 'onnxruntime-node';

/** Execution providers this adapter can use. */
export type NodeExecutionProvider = 'cpu' | 'cuda';

/** Options of `createOnnxruntimeNodeBackend`. */
export interface OnnxruntimeNodeBackendOptions {
  /** 'cpu' (default) or 'cuda'. */
  executionProvider?: NodeExecutionProvider;
  /** Intra-op threads for the CPU provider; onnxruntime picks when omitted. */
  threads?: number;
  /** CUDA device id (default 0). */
  deviceId?: number;
  /**
   * When CUDA was asked for but is not installed: true runs on CPU instead (see
   * `backend.executionProvider`); false (default) fails with `CudaProviderMissingError`.
   */
  allowCpuFallback?: boolean;
  /** Backend name; default `onnxruntime-node:<provider>`. */
  name?: string;
}

/** How to install the CUDA provider of onnxruntime-node; quoted in `CudaProviderMissingError`. */
export const cudaInstallInstructions =
  'Install the CUDA execution provider of onnxruntime-node: reinstall it with its install script allowed and the flag ' +
  "'--onnxruntime-node-install=cuda12' (npm: `npm install onnxruntime-node --onnxruntime-node-install=cuda12`; " +
  'pnpm: add onnxruntime-node to onlyBuiltDependencies and run `ONNXRUNTIME_NODE_INSTALL=cuda12 pnpm install`). ' +
  'It needs CUDA 12 and cuDNN 9 on the machine. Or use executionProvider "cpu", or pass allowCpuFallback: true.';

const cudaMissingMarker = Symbol.for('mav.error.CudaProviderMissingError');

/** CUDA was asked for but onnxruntime-node's CUDA execution provider is not installed here. */
export class CudaProviderMissingError extends BackendUnavailableError {
  readonly [cudaMissingMarker] = true;
  constructor(detail: string, options?: { cause?: unknown }) {
    super('onnxruntime-node:cuda', `${detail} ${cudaInstallInstructions}`, options);
    this.name = 'CudaProviderMissingError';
  }
  static override isInstance(error: unknown): error is CudaProviderMissingError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[cudaMissingMarker] === true
    );
  }
}

/** A mav backend over onnxruntime-node, with the provider it really runs on after `init()`. */
export interface OnnxruntimeNodeBackend extends Backend {
  /** The provider sessions use: the requested one, or 'cpu' after an allowed fallback. */
  readonly executionProvider: NodeExecutionProvider;
  /** Why the backend fell back to CPU, when it did. */
  readonly fallbackReason: string | undefined;
}

const require = createRequire(import.meta.url);

/** Where onnxruntime-node keeps its native libraries for this platform. */
function nativeLibraryDirectory(): string {
  const entry = require.resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why CUDA cannot be used here, or undefined when its provider library is present. */
export function cudaUnavailableReason(
  ort: Pick<typeof OrtNode, 'listSupportedBackends'>,
): string | undefined {
  const supported = ort.listSupportedBackends().find((entry) => entry.name === 'cuda');
  if (!supported) {
    return `onnxruntime-node has no CUDA execution provider for ${process.platform}/${process.arch}.`;
  }
  const library =
    process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!supported.bundled && !existsSync(join(nativeLibraryDirectory(), library))) {
    return `The CUDA execution provider of onnxruntime-node is not installed (${library} is missing from the package).`;
  }
  return undefined;
}

/**
 * Creates the onnxruntime-node backend. The runtime loads on `init()` (lazily, when resolved through the
 * registry). With `executionProvider: 'cuda'`, `init()` checks that the CUDA provider is installed and
 * throws `CudaProviderMissingError` with install instructions unless `allowCpuFallback` is set.
 */
export function createOnnxruntimeNodeBackend(
  options: OnnxruntimeNodeBackendOptions = {},
): OnnxruntimeNodeBackend {
  const requested = options.executionProvider ?? 'cpu';
  if (requested !== 'cpu' && requested !== 'cuda') {
    throw new RangeError(`executionProvider must be 'cpu' or 'cuda', got ${String(requested)}.`);
  }
  if (options.threads !== undefined && (!Number.isSafeInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${options.threads}.`);
  }
  const name = options.name ?? `onnxruntime-node:${requested}`;
  let ort: typeof OrtNode | undefined;
  let provider: NodeExecutionProvider = requested;
  let fallbackReason: string | undefined;

  const capabilities: BackendCapabilities = {
    ops: onnxruntimeOps,
    dtypes: ['float32', 'float16', 'int32', 'int64', 'uint8', 'bool'],
    outputLocations: ['cpu'],
    opsetRange: [7, 21],
  };

  const backend: OnnxruntimeNodeBackend = {
    specificationVersion: 'v1',
    name,
    capabilities,
    get executionProvider() {
      return provider;
    },
    get fallbackReason() {
      return fallbackReason;
    },
    async init() {
      if (ort) return;
      let loaded: typeof OrtNode;
      try {
        loaded = (await import('onnxruntime-node')) as typeof OrtNode;
        loaded = ((loaded as { default?: typeof OrtNode }).default ?? loaded) as typeof OrtNode;
      } catch (error) {
        throw new BackendUnavailableError(
          name,
          `onnxruntime-node failed to load: ${error instanceof Error ? error.message : String(error)}. Reinstall it (npm install onnxruntime-node).`,
          { cause: error },
        );
      }
      if (requested === 'cuda') {
        const reason = cudaUnavailableReason(loaded);
        if (reason !== undefined) {
          if (!options.allowCpuFallback) {
            throw new CudaProviderMissingError(reason);
          }
          provider = 'cpu';
          fallbackReason = reason;
        }
      }
      ort = loaded;
    },
    async createSession(model: Uint8Array, sessionOptions: SessionOptions = {}): Promise<Session> {
      if (!ort) {
        await backend.init();
      }
      const runtime = ort!;
      if (!(model instanceof Uint8Array)) {
        throw new TypeError('model must be a Uint8Array holding a serialized ONNX ModelProto.');
      }
      if ((sessionOptions.preferredOutputLocation ?? 'cpu') !== 'cpu') {
        throw new UnsupportedError(
          `${name} returns outputs on the host; preferredOutputLocation '${sessionOptions.preferredOutputLocation}' needs onnxruntime-web with WebGPU.`,
        );
      }
      const label = sessionOptions.label ?? 'model';
      const executionProviders =
        provider === 'cuda' ? [{ name: 'cuda', deviceId: options.deviceId ?? 0 }, 'cpu'] : ['cpu'];
      let session: OrtNode.InferenceSession;
      try {
        session = await runtime.InferenceSession.create(model, {
          executionProviders: executionProviders as OrtNode.InferenceSession.ExecutionProviderConfig[],
          graphOptimizationLevel: sessionOptions.graphOptimizationLevel ?? 'all',
          ...(sessionOptions.externalData === undefined
            ? {}
            : {
                externalData: sessionOptions.externalData.map((file) => ({
                  path: file.path,
                  data: file.data,
                })),
              }),
          ...(options.threads === undefined
            ? {}
            : { intraOpNumThreads: options.threads, interOpNumThreads: 1 }),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (provider === 'cuda' && /cuda|cudnn|provider/i.test(message)) {
          throw new CudaProviderMissingError(`Creating a CUDA session for '${label}' failed: ${message}.`, {
            cause: error,
          });
        }
        throw new ModelLoadError(`${name} could not load '${label}': ${message}`, { cause: error });
      }
      return new OnnxruntimeSession({
        session,
        OrtTensor: runtime.Tensor as unknown as OrtTensorConstructor,
        backendName: name,
        outputLocation: 'cpu',
        label,
      });
    },
  };
  return backend;
}
