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
import type * as OrtWeb from 'onnxruntime-web';
import { padConvInputChannels } from './webgpu-conv-workaround.js';

/** Execution providers this adapter can use. */
export type WebExecutionProvider = 'wasm' | 'webgpu';

/** Options of `createOnnxruntimeWebBackend`. */
export interface OnnxruntimeWebBackendOptions {
  /** 'wasm' (default; browsers and Node) or 'webgpu' (browsers with `navigator.gpu`). */
  executionProvider?: WebExecutionProvider;
  /**
   * URL prefix (ending in '/') where onnxruntime-web's `dist/*.wasm` files are served. Needed in browsers
   * when a bundler does not copy them next to the bundle; not needed in Node.
   */
  wasmPaths?: string;
  /**
   * WASM threads. Default 1 in browsers (threads need cross-origin isolation and spawn workers from the
   * bundle), onnxruntime's choice in Node.
   */
  threads?: number;
  /** Backend name; default `onnxruntime-web:<provider>`. */
  name?: string;
}

type OrtModule = typeof OrtWeb;

const runtimePromises = new Map<WebExecutionProvider, Promise<OrtModule>>();

/**
 * Loads the onnxruntime-web build for a provider: the native WebGPU execution provider
 * (`onnxruntime-web/webgpu`) for 'webgpu', the default build for 'wasm'. The JSEP WebGPU kernels of the
 * default build fail on grouped and 1-D convolutions ("dilations should be 2D"), which mav's pseudo-3D
 * layers need. Environment settings are global per build: the first backend to load one sets them.
 */
function loadRuntime(
  provider: WebExecutionProvider,
  options: OnnxruntimeWebBackendOptions,
  isBrowser: boolean,
): Promise<OrtModule> {
  let promise = runtimePromises.get(provider);
  if (!promise) {
    const module = provider === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web');
    promise = module.then((loaded) => {
      const ort = ((loaded as { default?: OrtModule }).default ?? loaded) as OrtModule;
      if (options.wasmPaths !== undefined) {
        ort.env.wasm.wasmPaths = options.wasmPaths;
      }
      if (options.threads !== undefined) {
        ort.env.wasm.numThreads = options.threads;
      } else if (isBrowser) {
        ort.env.wasm.numThreads = 1;
      }
      return ort;
    });
    runtimePromises.set(provider, promise);
  }
  return promise;
}

/** Why WebGPU cannot be used here, or undefined when an adapter is available. */
export async function webgpuUnavailableReason(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) {
    return 'navigator.gpu is missing: this environment has no WebGPU (use a WebGPU browser, or executionProvider "wasm").';
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    return 'navigator.gpu.requestAdapter() returned no adapter: WebGPU is disabled or has no usable GPU here (Chromium: --enable-unsafe-webgpu).';
  }
  return undefined;
}

/**
 * Creates the onnxruntime-web backend. 'wasm' runs in browsers and in Node; 'webgpu' needs a browser with
 * WebGPU and can keep outputs on the GPU between runs (`preferredOutputLocation: 'gpu-buffer'`), so a
 * denoising loop feeds each step's output to the next without copying it to the host.
 */
export function createOnnxruntimeWebBackend(options: OnnxruntimeWebBackendOptions = {}): Backend {
  const provider = options.executionProvider ?? 'wasm';
  if (provider !== 'wasm' && provider !== 'webgpu') {
    throw new RangeError(`executionProvider must be 'wasm' or 'webgpu', got ${String(provider)}.`);
  }
  if (options.threads !== undefined && (!Number.isSafeInteger(options.threads) || options.threads < 1)) {
    throw new RangeError(`threads must be a positive integer, got ${options.threads}.`);
  }
  const name = options.name ?? `onnxruntime-web:${provider}`;
  const isBrowser =
    typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
  let ort: OrtModule | undefined;

  const capabilities: BackendCapabilities = {
    ops: onnxruntimeOps,
    dtypes: ['float32', 'float16', 'int32', 'int64', 'uint8', 'bool'],
    outputLocations: provider === 'webgpu' ? ['cpu', 'gpu-buffer'] : ['cpu'],
    opsetRange: [7, 21],
  };

  const backend: Backend = {
    specificationVersion: 'v1',
    name,
    capabilities,
    async init() {
      if (ort) return;
      if (provider === 'webgpu') {
        const reason = await webgpuUnavailableReason();
        if (reason !== undefined) {
          throw new BackendUnavailableError(name, reason);
        }
      }
      try {
        ort = await loadRuntime(provider, options, isBrowser);
      } catch (error) {
        runtimePromises.delete(provider);
        throw new BackendUnavailableError(
          name,
          `onnxruntime-web failed to load: ${error instanceof Error ? error.message : String(error)}.`,
          { cause: error },
        );
      }
    },
    async createSession(model: Uint8Array, sessionOptions: SessionOptions = {}): Promise<Session> {
      if (!ort) {
        await backend.init();
      }
      const runtime = ort!;
      if (!(model instanceof Uint8Array)) {
        throw new TypeError('model must be a Uint8Array holding a serialized ONNX ModelProto.');
      }
      const outputLocation = sessionOptions.preferredOutputLocation ?? 'cpu';
      if (outputLocation !== 'cpu' && provider !== 'webgpu') {
        throw new UnsupportedError(
          `${name} keeps outputs on the host; preferredOutputLocation '${outputLocation}' needs executionProvider 'webgpu'.`,
        );
      }
      const label = sessionOptions.label ?? 'model';
      let session: OrtWeb.InferenceSession;
      try {
        const bytes = provider === 'webgpu' ? (padConvInputChannels(model) ?? model) : model;
        session = await runtime.InferenceSession.create(bytes, {
          executionProviders: [provider],
          graphOptimizationLevel: sessionOptions.graphOptimizationLevel ?? 'all',
          ...(sessionOptions.externalData === undefined
            ? {}
            : {
                externalData: sessionOptions.externalData.map((file) => ({
                  path: file.path,
                  data: file.data,
                })),
              }),
          ...(outputLocation === 'cpu' ? {} : { preferredOutputLocation: outputLocation }),
        });
      } catch (error) {
        throw new ModelLoadError(
          `${name} could not load '${label}': ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      return new OnnxruntimeSession({
        session,
        OrtTensor: runtime.Tensor as unknown as OrtTensorConstructor,
        backendName: name,
        outputLocation,
        label,
      });
    },
  };
  return backend;
}
