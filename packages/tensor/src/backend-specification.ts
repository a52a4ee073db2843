import type { DType } from './dtype.js';
import type { Tensor, TensorLocation } from './tensor.js';

/**
 * The backend specification, version 1: what an adapter (onnxruntime-node, onnxruntime-web, or a
 * contributed runtime) implements so that every mav package can run ONNX models on it.
 *
 * Adapters implement `Backend` and `Session`, register themselves with `registerBackend`, and prove their
 * conformance with `runConformanceSuite` from `@mav/tensor/testing`. A breaking change to these types
 * bumps `specificationVersion`.
 */
export type BackendSpecificationVersion = 'v1';

/** What a backend can do; callers use it to pick a backend, the conformance kit to know what to test. */
export interface BackendCapabilities {
  /** ONNX operator types (default domain) that run on this backend. */
  readonly ops: readonly string[];
  /** Tensor dtypes that can be fed and fetched. */
  readonly dtypes: readonly DType[];
  /** Locations outputs can be kept at between runs (always includes 'cpu'). */
  readonly outputLocations: readonly TensorLocation[];
  /** The ONNX opset versions (default domain) the backend accepts. */
  readonly opsetRange: readonly [min: number, max: number];
}

/** Options of `Backend.createSession`. */
export interface SessionOptions {
  /**
   * Where outputs stay after `run` unless the run says otherwise: 'cpu' (default) copies them to the host;
   * 'gpu-buffer' keeps them on the device so the next run can take them as feeds without a copy.
   */
  preferredOutputLocation?: TensorLocation;
  /** Graph optimisation level; 'all' by default. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** A label for messages and profiling (e.g. the cascade stage). */
  label?: string;
  /**
   * Weights stored outside the model (ONNX external data, for models over protobuf's 2 GB limit): each
   * entry gives the file name the model refers to (`location` in its initializers) and the file's bytes.
   */
  externalData?: readonly ExternalDataFile[];
}

/** One external-data file of a model: the name the model refers to, and its bytes. */
export interface ExternalDataFile {
  readonly path: string;
  readonly data: Uint8Array;
}

/** Options of `Session.run`. */
export interface RunOptions {
  /** Output names to compute; all outputs when omitted. */
  fetches?: readonly string[];
  /** Output names to keep on the device (overrides the session's preferred location for those). */
  keepOnDevice?: readonly string[];
  /** Stops the run before it starts (and, where the runtime allows, during it). */
  signal?: AbortSignal;
}

/** Name, dtype and shape of a model input or output; symbolic axes are strings or undefined. */
export interface ValueMetadata {
  readonly name: string;
  readonly dtype: DType | undefined;
  readonly dims: readonly (number | string | undefined)[] | undefined;
}

/** A loaded model, ready to run. */
export interface Session {
  /** Input names, in model order. */
  readonly inputNames: readonly string[];
  /** Output names, in model order. */
  readonly outputNames: readonly string[];
  /** Dtype and shape of every input, as the model declares them. */
  readonly inputMetadata: readonly ValueMetadata[];
  /** Dtype and shape of every output, as the model declares them. */
  readonly outputMetadata: readonly ValueMetadata[];
  /**
   * Runs the model. Feeds are matched by name; a missing, unknown, mistyped or mis-shaped feed throws
   * `SessionInputError` before anything runs. Returns the fetched outputs by name; the caller owns them
   * and disposes them.
   */
  run(feeds: Readonly<Record<string, Tensor>>, options?: RunOptions): Promise<Record<string, Tensor>>;
  /** Frees the model. Further `run` calls throw `DisposedError`. Safe to call twice. */
  release(): Promise<void>;
}

/** A runtime that loads ONNX models into sessions. */
export interface Backend {
  readonly specificationVersion: BackendSpecificationVersion;
  /** Unique name, e.g. 'onnxruntime-node:cpu'. */
  readonly name: string;
  /** What this backend runs. */
  readonly capabilities: BackendCapabilities;
  /**
   * Loads the runtime. Called once by the registry before first use (lazily); throws
   * `BackendUnavailableError` saying why the backend cannot run here.
   */
  init(): Promise<void>;
  /** Loads an ONNX model (serialized ModelProto). Throws `ModelLoadError` for a model it cannot load. */
  createSession(model: Uint8Array, options?: SessionOptions): Promise<Session>;
}
