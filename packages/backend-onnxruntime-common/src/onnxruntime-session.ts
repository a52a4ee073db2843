import {
  AbortError,
  checkFeeds,
  checkFetches,
  DisposedError,
  isDType,
  type RunOptions,
  type Session,
  SessionRunError,
  type Tensor,
  type TensorLocation,
  UnsupportedError,
  type ValueMetadata,
} from '@mav/tensor';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { fromOrtTensor, type OrtTensorConstructor, toOrtTensor } from './tensor-conversion.js';

/** Options of `OnnxruntimeSession`. */
export interface OnnxruntimeSessionOptions {
  /** The runtime's session. */
  session: InferenceSession;
  /** The runtime's Tensor class. */
  OrtTensor: OrtTensorConstructor;
  /** Name of the mav backend (device tensors carry it). */
  backendName: string;
  /** Where the runtime leaves outputs (what the session was created with). */
  outputLocation: TensorLocation;
  /** Label for messages. */
  label: string;
}

function metadataOf(
  values: readonly InferenceSession.ValueMetadata[] | undefined,
  names: readonly string[],
): ValueMetadata[] {
  return names.map((name, index) => {
    const value = values?.[index];
    if (!value?.isTensor) {
      return { name, dtype: undefined, dims: undefined };
    }
    return {
      name,
      dtype: isDType(value.type) ? value.type : undefined,
      // onnxruntime reports an unknown rank as an empty shape; scalars are rare in mav graphs, so treat
      // an empty shape as "not declared".
      dims:
        value.shape.length === 0
          ? undefined
          : value.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : String(dim))),
    };
  });
}

/**
 * A mav `Session` over an onnxruntime `InferenceSession`, shared by the node and web adapters: feeds are
 * checked by name, dtype and shape before the run; fetched outputs come back as mav tensors (device ones
 * when the session keeps outputs on the GPU); outputs not fetched or not kept are released.
 */
export class OnnxruntimeSession implements Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  readonly #options: OnnxruntimeSessionOptions;
  #released = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: OnnxruntimeSessionOptions) {
    this.#options = options;
    const { session } = options;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputMetadata = metadataOf(session.inputMetadata, this.inputNames);
    this.outputMetadata = metadataOf(session.outputMetadata, this.outputNames);
  }

  async run(
    feeds: Readonly<Record<string, Tensor>>,
    options: RunOptions = {},
  ): Promise<Record<string, Tensor>> {
    const { label, outputLocation } = this.#options;
    if (this.#released) {
      throw new DisposedError(`Session '${label}' was used after release().`);
    }
    if (options.signal?.aborted) {
      throw new AbortError(`Run of '${label}' was aborted before it started.`, options.signal.reason);
    }
    checkFeeds(this.inputMetadata, feeds, `'${label}'`);
    const fetches = checkFetches(this.outputNames, options.fetches, `'${label}'`);
    const keep = new Set(options.keepOnDevice ?? (outputLocation === 'cpu' ? [] : fetches));
    if (outputLocation === 'cpu' && keep.size > 0) {
      throw new UnsupportedError(
        `Session '${label}' leaves outputs on the host; create it with preferredOutputLocation 'gpu-buffer' to keep ${[...keep].join(', ')} on the device.`,
      );
    }
    // onnxruntime sessions are not re-entrant; run one call at a time, in call order.
    const result = this.#queue.then(() => this.#runNow(feeds, fetches, keep, options.signal));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #runNow(
    feeds: Readonly<Record<string, Tensor>>,
    fetches: string[],
    keep: ReadonlySet<string>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, Tensor>> {
    const { session, OrtTensor, backendName, label } = this.#options;
    if (this.#released) {
      throw new DisposedError(`Session '${label}' was released before its queued run started.`);
    }
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      ortFeeds[name] = await toOrtTensor(tensor, OrtTensor, backendName);
    }
    let ortOutputs: InferenceSession.ReturnType;
    try {
      ortOutputs = await session.run(ortFeeds, fetches);
    } catch (error) {
      throw new SessionRunError(
        `Running '${label}' failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    }
    const outputs: Record<string, Tensor> = {};
    try {
      for (const name of fetches) {
        const value = ortOutputs[name] as OrtTensor | undefined;
        if (value === undefined) {
          throw new SessionRunError(`Running '${label}' returned no output '${name}'.`);
        }
        const tensor = fromOrtTensor(value, backendName, `Output '${name}' of '${label}'`);
        outputs[name] = keep.has(name) || tensor.location === 'cpu' ? tensor : await tensor.toHost();
        if (outputs[name] !== tensor) {
          tensor.dispose();
        }
      }
      if (signal?.aborted) {
        throw new AbortError(`Run of '${label}' was aborted.`, signal.reason);
      }
    } catch (error) {
      for (const tensor of Object.values(outputs)) tensor.dispose();
      throw error;
    }
    return outputs;
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#queue;
    await this.#options.session.release();
  }
}
