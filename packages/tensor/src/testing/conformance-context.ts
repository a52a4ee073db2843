import {
  attribute,
  encodeModel,
  model,
  node,
  type OnnxElementType,
  type TensorProto,
  tensorProto,
  valueInfo,
} from '@mav/onnx-proto';
import type { Backend, Session, SessionOptions } from '../backend-specification.js';
import type { DType } from '../dtype.js';
import { MavError } from '../errors.js';
import { fromFloat16Bits } from '../float16.js';
import { RandomStream } from '../random-stream.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { ReferenceArray } from './reference-math.js';

export { attribute, node };

/** A check inside a conformance case failed; the message says what was expected and what came back. */
export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

/** Fails the case with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new ConformanceFailure(message);
  }
}

/** What each case gets: the backend under test, sessions that are released after the case, random data. */
export class ConformanceContext {
  readonly backend: Backend;
  readonly #sessions: Session[] = [];
  readonly #random: RandomStream;

  constructor(backend: Backend, caseIndex: number) {
    this.backend = backend;
    this.#random = new RandomStream({ seed: 20221001, stream: caseIndex });
  }

  /** Creates a session that is released when the case ends. */
  async session(modelBytes: Uint8Array, options?: SessionOptions): Promise<Session> {
    const session = await this.backend.createSession(modelBytes, options);
    this.#sessions.push(session);
    return session;
  }

  /** A float32 tensor of standard normal values times `scale`, with its float64 reference copy. */
  randomTensor(dims: readonly number[], scale = 1): { tensor: Tensor<'float32'>; reference: ReferenceArray } {
    const size = dims.reduce((product, dim) => product * dim, 1);
    const data = this.#random.normal(size).map((value) => value * scale);
    return {
      tensor: new Tensor({ dtype: 'float32', dims, data }),
      reference: { dims: [...dims], data: Float64Array.from(data) },
    };
  }

  /** Uniform values in [low, high), float32. */
  uniform(size: number, low: number, high: number): Float32Array {
    return this.#random.uniform(size).map((value) => low + (high - low) * value);
  }

  /** Releases every session the case created. */
  async dispose(): Promise<void> {
    for (const session of this.#sessions.splice(0)) {
      await session.release();
    }
  }
}

/** One graph input or output for `singleGraphModel`. */
export interface GraphValue {
  name: string;
  dtype: DType;
  dims: readonly (number | string)[];
}

/** Builds and encodes a one-graph model (opset 17) from nodes, inputs, outputs and initializers. */
export function graphModel(options: {
  name: string;
  nodes: ReturnType<typeof node>[];
  inputs: readonly GraphValue[];
  outputs: readonly GraphValue[];
  initializers?: readonly TensorProto[];
}): Uint8Array {
  return encodeModel(
    model({
      graph: {
        name: options.name,
        node: options.nodes,
        input: options.inputs.map((value) =>
          valueInfo(value.name, value.dtype as OnnxElementType, value.dims),
        ),
        output: options.outputs.map((value) =>
          valueInfo(value.name, value.dtype as OnnxElementType, value.dims),
        ),
        initializer: [...(options.initializers ?? [])],
      },
      producerName: 'mav-conformance-kit',
    }),
  );
}

/** A float32 initializer from a reference array. */
export function floatInitializer(name: string, value: ReferenceArray): TensorProto {
  return tensorProto({ name, elementType: 'float32', dims: value.dims, data: Float32Array.from(value.data) });
}

/** An int64 initializer (shapes, axes, indices). */
export function int64Initializer(
  name: string,
  values: readonly number[],
  dims: readonly number[] = [values.length],
): TensorProto {
  return tensorProto({
    name,
    elementType: 'int64',
    dims,
    data: BigInt64Array.from(values.map((value) => BigInt(value))),
  });
}

/** Reads a tensor's values as numbers (float16 decoded, int64 converted). */
export async function valuesOf(tensor: Tensor): Promise<number[]> {
  const data = await tensor.getData();
  if (tensor.dtype === 'float16') {
    return Array.from(data as Uint16Array, fromFloat16Bits);
  }
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/**
 * Fails unless `actual` has the reference's shape and every element is within
 * `absolute + relative·|expected|` of it. The message gives the worst element.
 */
export async function expectClose(
  what: string,
  actual: Tensor | undefined,
  expected: ReferenceArray,
  tolerance: { absolute?: number; relative?: number } = {},
): Promise<void> {
  check(actual !== undefined, `${what}: no output came back.`);
  check(
    actual.dims.length === expected.dims.length &&
      actual.dims.every((dim, axis) => dim === expected.dims[axis]),
    `${what}: expected shape ${formatShape(expected.dims)}, got ${formatShape(actual.dims)}.`,
  );
  const absolute = tolerance.absolute ?? 1e-5;
  const relative = tolerance.relative ?? 1e-5;
  const values = await valuesOf(actual);
  let worst = -1;
  let worstExcess = 0;
  for (let index = 0; index < values.length; index++) {
    const difference = Math.abs(values[index]! - expected.data[index]!);
    const allowed = absolute + relative * Math.abs(expected.data[index]!);
    if (!(difference <= allowed) && (worst < 0 || difference - allowed > worstExcess)) {
      worst = index;
      worstExcess = difference - allowed;
    }
  }
  check(
    worst < 0,
    `${what}: element ${worst} is ${values[worst]}, expected ${expected.data[worst]} (tolerance ${absolute} + ${relative}·|expected|).`,
  );
}

/** Runs `action` and fails unless it throws an error accepted by `isExpected`. */
export async function expectThrows(
  what: string,
  action: () => Promise<unknown>,
  isExpected: (error: unknown) => boolean,
  expectedName: string,
): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    check(
      isExpected(error),
      `${what}: expected ${expectedName}, got ${MavError.isInstance(error) || error instanceof Error ? `${error.name}: ${error.message}` : String(error)}.`,
    );
    return error;
  }
  throw new ConformanceFailure(`${what}: expected ${expectedName}, but nothing was thrown.`);
}

/** Shorthand for a float32 graph value. */
export function f32(name: string, dims: readonly (number | string)[]): GraphValue {
  return { name, dtype: 'float32', dims };
}
