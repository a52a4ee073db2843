import {
  type AttributeProto,
  attribute,
  type NodeProto,
  type OnnxElementType,
  onnxDataType,
  type TensorProto,
  tensorProto,
} from '@mav/onnx-proto';
import { float32ToFloat16 } from '@mav/tensor';
import type { GraphDType, GraphValue, ParameterInit, ParameterSpec } from './graph-value.js';

/**
 * The ONNX operators mav's graphs use, all in the default domain at opset 17. Each one runs on
 * onnxruntime's CPU, CUDA, WASM and WebGPU execution providers. No 3-D `Conv`, no contrib ops.
 */
export const graphOps = [
  'Add',
  'Cast',
  'Concat',
  'Conv',
  'Cos',
  'Div',
  'Identity',
  'InstanceNormalization',
  'MatMul',
  'Mul',
  'Reshape',
  'Resize',
  'Sigmoid',
  'Sin',
  'Slice',
  'Softmax',
  'Sub',
  'Transpose',
] as const;

/** One of `graphOps`. */
export type GraphOp = (typeof graphOps)[number];

/** A graph input or output as the built model declares it. */
export interface GraphIO {
  readonly name: string;
  readonly dtype: OnnxElementType;
  readonly dims: readonly number[];
}

/** Options of `GraphBuilder`. */
export interface GraphBuilderOptions {
  /** Element type of parameters and activations. */
  dtype: GraphDType;
  /** Graph name written into the model. Default 'mav'. */
  name?: string;
}

/**
 * Builds one ONNX graph in readable code: typed values with static shapes, parameters declared by explicit
 * name (their data is attached later, by name), constants, and one method per operator. Each op checks its
 * inputs' shapes and computes its output's, and counts its floating-point operations (Conv and MatMul
 * multiply-adds ×2), so that the parameter and FLOP counts of a network come from the same declaration that
 * builds its graph.
 */
export class GraphBuilder {
  readonly dtype: GraphDType;
  readonly name: string;
  readonly nodes: NodeProto[] = [];
  readonly inputs: GraphIO[] = [];
  readonly outputs: GraphIO[] = [];
  readonly constants: TensorProto[] = [];
  readonly #parameters = new Map<string, ParameterSpec>();
  readonly #usedNames = new Set<string>();
  #flops = 0;
  #counter = 0;
  #scopes: string[] = [];

  constructor(options: GraphBuilderOptions) {
    if (options.dtype !== 'float32' && options.dtype !== 'float16') {
      throw new TypeError(`dtype must be 'float32' or 'float16', got ${String(options.dtype)}.`);
    }
    this.dtype = options.dtype;
    this.name = options.name ?? 'mav';
  }

  /** Parameters in declaration order. */
  get parameters(): ParameterSpec[] {
    return [...this.#parameters.values()];
  }

  /** The distinct operator types of the graph's nodes, sorted (what a backend must run). */
  get opTypes(): string[] {
    return [...new Set(this.nodes.map((node) => node.opType))].sort();
  }

  /** Floating-point operations of one run: 2 × multiply-adds of every Conv and MatMul. */
  get flops(): number {
    return this.#flops;
  }

  /** Runs `build` with `prefix` added to the names of the nodes and values it creates. */
  scope<T>(prefix: string, build: () => T): T {
    this.#scopes.push(prefix);
    try {
      return build();
    } finally {
      this.#scopes.pop();
    }
  }

  /** Declares a graph input. */
  input(name: string, dtype: OnnxElementType, dims: readonly number[]): GraphValue {
    this.#claim(name);
    this.inputs.push({ name, dtype, dims: [...dims] });
    return { name, dtype, dims: [...dims] };
  }

  /** Declares `value` as a graph output called `name` (through an Identity node). */
  output(value: GraphValue, name: string): void {
    this.#claim(name);
    this.nodes.push({ opType: 'Identity', input: [value.name], output: [name], name: `${name}/Identity` });
    this.outputs.push({ name, dtype: value.dtype, dims: [...value.dims] });
  }

  /**
   * Declares a parameter by its full explicit name (the weight file key). Names must be unique; the data is
   * attached by name when the model is encoded.
   */
  parameter(
    name: string,
    dims: readonly number[],
    init: ParameterInit,
    options: { temporal?: boolean } = {},
  ) {
    if (this.#parameters.has(name)) {
      throw new RangeError(`parameter '${name}' is declared twice.`);
    }
    this.#claim(name);
    this.#parameters.set(name, { name, dims: [...dims], init, temporal: options.temporal ?? false });
    return { name, dtype: this.dtype, dims: [...dims] } satisfies GraphValue;
  }

  /** A constant in the graph's float type (or float32 when `dtype` says so). */
  constant(values: ArrayLike<number>, dims: readonly number[], dtype: GraphDType = this.dtype): GraphValue {
    const name = this.#fresh('const');
    const data = Float32Array.from(values);
    this.constants.push(
      tensorProto({
        name,
        elementType: dtype,
        dims,
        data: dtype === 'float16' ? float32ToFloat16(data) : data,
      }),
    );
    return { name, dtype, dims: [...dims] };
  }

  /** An int64 constant (shapes, axes). */
  int64Constant(values: readonly number[]): GraphValue {
    const name = this.#fresh('shape');
    this.constants.push(
      tensorProto({
        name,
        elementType: 'int64',
        dims: [values.length],
        data: BigInt64Array.from(values, (value) => BigInt(value)),
      }),
    );
    return { name, dtype: 'int64', dims: [values.length] };
  }

  /** Adds a node with one output of the given type and shape. */
  node(
    opType: GraphOp,
    inputs: readonly (GraphValue | undefined)[],
    output: { dtype: OnnxElementType; dims: readonly number[] },
    attributes: readonly AttributeProto[] = [],
  ): GraphValue {
    const name = this.#fresh(opType);
    this.nodes.push({
      opType,
      name: `${name}/node`,
      input: inputs.map((input) => input?.name ?? ''),
      output: [name],
      attribute: [...attributes],
    });
    return { name, dtype: output.dtype, dims: [...output.dims] };
  }

  /** 1-D or 2-D convolution, NCW / NCHW. `weight` is `[out, in/group, ...kernel]`. */
  conv(
    x: GraphValue,
    weight: GraphValue,
    bias: GraphValue | undefined,
    options: { strides?: readonly number[]; pads?: readonly number[]; group?: number } = {},
  ): GraphValue {
    const spatialRank = x.dims.length - 2;
    if (spatialRank < 1 || spatialRank > 2) {
      throw new RangeError(`conv takes NCW or NCHW input, got [${x.dims.join(', ')}].`);
    }
    if (weight.dims.length !== x.dims.length) {
      throw new RangeError(
        `conv weight [${weight.dims.join(', ')}] does not fit input [${x.dims.join(', ')}].`,
      );
    }
    const group = options.group ?? 1;
    const kernel = weight.dims.slice(2);
    const strides = options.strides ?? kernel.map(() => 1);
    const pads = options.pads ?? [...kernel, ...kernel].map(() => 0);
    if (x.dims[1]! !== weight.dims[1]! * group) {
      throw new RangeError(
        `conv '${weight.name}': input has ${x.dims[1]} channels, weight expects ${weight.dims[1]! * group}.`,
      );
    }
    const outSpatial = kernel.map(
      (k, axis) =>
        Math.floor((x.dims[axis + 2]! + pads[axis]! + pads[axis + spatialRank]! - k) / strides[axis]!) + 1,
    );
    const outDims = [x.dims[0]!, weight.dims[0]!, ...outSpatial];
    const macsPerOutput = weight.dims[1]! * kernel.reduce((product, k) => product * k, 1);
    this.#flops += 2 * size(outDims) * macsPerOutput;
    return this.node('Conv', bias ? [x, weight, bias] : [x, weight], { dtype: x.dtype, dims: outDims }, [
      attribute.ints('kernel_shape', kernel),
      attribute.ints('strides', strides),
      attribute.ints('pads', pads),
      attribute.ints(
        'dilations',
        kernel.map(() => 1),
      ),
      attribute.int('group', group),
    ]);
  }

  /** Batched matrix product with numpy broadcasting of the leading axes. */
  matmul(a: GraphValue, b: GraphValue): GraphValue {
    const k = a.dims.at(-1)!;
    if (b.dims.at(-2) !== k) {
      throw new RangeError(`matmul: [${a.dims.join(', ')}] × [${b.dims.join(', ')}] do not fit.`);
    }
    const batch = broadcastDims(a.dims.slice(0, -2), b.dims.slice(0, -2), 'matmul');
    const outDims = [...batch, a.dims.at(-2)!, b.dims.at(-1)!];
    this.#flops += 2 * size(outDims) * k;
    return this.node('MatMul', [a, b], { dtype: a.dtype, dims: outDims });
  }

  /** Elementwise `a + b` with broadcasting. */
  add(a: GraphValue, b: GraphValue): GraphValue {
    return this.#binary('Add', a, b);
  }

  /** Elementwise `a - b` with broadcasting. */
  sub(a: GraphValue, b: GraphValue): GraphValue {
    return this.#binary('Sub', a, b);
  }

  /** Elementwise `a · b` with broadcasting. */
  mul(a: GraphValue, b: GraphValue): GraphValue {
    return this.#binary('Mul', a, b);
  }

  /** Elementwise `a / b` with broadcasting. */
  div(a: GraphValue, b: GraphValue): GraphValue {
    return this.#binary('Div', a, b);
  }

  /** A unary elementwise op. */
  unary(opType: 'Sigmoid' | 'Sin' | 'Cos', x: GraphValue): GraphValue {
    return this.node(opType, [x], x);
  }

  /** Reshape to static `dims` (one axis may be -1). */
  reshape(x: GraphValue, dims: readonly number[]): GraphValue {
    const resolved = resolveDims(x.dims, dims);
    return this.node('Reshape', [x, this.int64Constant(resolved)], { dtype: x.dtype, dims: resolved });
  }

  /** Permutes axes: output axis i is input axis `perm[i]`. */
  transpose(x: GraphValue, perm: readonly number[]): GraphValue {
    if (
      perm.length !== x.dims.length ||
      [...perm].sort((p, q) => p - q).some((axis, index) => axis !== index)
    ) {
      throw new RangeError(
        `transpose: perm [${perm.join(', ')}] is not a permutation of rank ${x.dims.length}.`,
      );
    }
    return this.node('Transpose', [x], { dtype: x.dtype, dims: perm.map((axis) => x.dims[axis]!) }, [
      attribute.ints('perm', perm),
    ]);
  }

  /** The elements `start … end − 1` of `axis` (static bounds, step 1). */
  slice(x: GraphValue, axis: number, start: number, end: number): GraphValue {
    const length = x.dims[axis];
    if (
      length === undefined ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end > length ||
      start >= end
    ) {
      throw new RangeError(
        `slice: [${start}, ${end}) of axis ${axis} of [${x.dims.join(', ')}] is not a range.`,
      );
    }
    const dims = [...x.dims];
    dims[axis] = end - start;
    return this.node(
      'Slice',
      [x, this.int64Constant([start]), this.int64Constant([end]), this.int64Constant([axis])],
      { dtype: x.dtype, dims },
    );
  }

  /** Softmax over the last axis. */
  softmax(x: GraphValue): GraphValue {
    return this.node('Softmax', [x], x, [attribute.int('axis', -1)]);
  }

  /** Normalises each `[n, c]` slice over its remaining axes: `(x − mean) / √(var + epsilon)`. */
  instanceNorm(x: GraphValue, epsilon: number): GraphValue {
    const channels = x.dims[1]!;
    const ones = this.constant(new Float32Array(channels).fill(1), [channels]);
    const zeros = this.constant(new Float32Array(channels), [channels]);
    return this.node('InstanceNormalization', [x, ones, zeros], x, [attribute.float('epsilon', epsilon)]);
  }

  /** Concatenates along `axis`; every other axis must agree. */
  concat(values: readonly GraphValue[], axis: number): GraphValue {
    const first = values[0]!;
    const dims = [...first.dims];
    dims[axis] = 0;
    for (const value of values) {
      if (
        value.dims.length !== first.dims.length ||
        value.dims.some((dim, i) => i !== axis && dim !== first.dims[i])
      ) {
        throw new RangeError(
          `concat on axis ${axis}: [${value.dims.join(', ')}] does not fit [${first.dims.join(', ')}].`,
        );
      }
      dims[axis]! += value.dims[axis]!;
    }
    return this.node('Concat', values, { dtype: first.dtype, dims }, [attribute.int('axis', axis)]);
  }

  /** Converts to another element type. */
  cast(x: GraphValue, to: OnnxElementType): GraphValue {
    if (x.dtype === to) return x;
    return this.node('Cast', [x], { dtype: to, dims: x.dims }, [attribute.int('to', onnxDataType(to))]);
  }

  /** Nearest-neighbour upsampling of the last two axes by `factor` (each pixel repeated factor×factor). */
  upsampleNearest(x: GraphValue, factor: number): GraphValue {
    const scales = this.constant(
      x.dims.map((_, axis) => (axis >= x.dims.length - 2 ? factor : 1)),
      [x.dims.length],
      'float32',
    );
    const dims = x.dims.map((dim, axis) => (axis >= x.dims.length - 2 ? dim * factor : dim));
    return this.node('Resize', [x, undefined, scales], { dtype: x.dtype, dims }, [
      attribute.string('mode', 'nearest'),
      attribute.string('coordinate_transformation_mode', 'asymmetric'),
      attribute.string('nearest_mode', 'floor'),
    ]);
  }

  #binary(opType: 'Add' | 'Sub' | 'Mul' | 'Div', a: GraphValue, b: GraphValue): GraphValue {
    if (a.dtype !== b.dtype) {
      throw new TypeError(
        `${opType}: element types differ (${a.dtype} vs ${b.dtype}) for '${a.name}', '${b.name}'.`,
      );
    }
    return this.node(opType, [a, b], { dtype: a.dtype, dims: broadcastDims(a.dims, b.dims, opType) });
  }

  #fresh(hint: string): string {
    const prefix = this.#scopes.length > 0 ? `${this.#scopes.join('/')}/` : '';
    let name: string;
    do {
      name = `${prefix}${hint}_${this.#counter++}`;
    } while (this.#usedNames.has(name));
    this.#usedNames.add(name);
    return name;
  }

  #claim(name: string): void {
    if (this.#usedNames.has(name)) {
      throw new RangeError(`graph value name '${name}' is used twice.`);
    }
    this.#usedNames.add(name);
  }
}

function size(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

/** Numpy broadcasting of two static shapes. */
export function broadcastDims(a: readonly number[], b: readonly number[], what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const da = a[a.length - rank + axis] ?? 1;
    const db = b[b.length - rank + axis] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

function resolveDims(from: readonly number[], to: readonly number[]): number[] {
  const total = size(from);
  const known = to.filter((dim) => dim !== -1).reduce((product, dim) => product * dim, 1);
  const inferred = to.filter((dim) => dim === -1).length;
  const resolved = to.map((dim) => (dim === -1 ? total / known : dim));
  if (inferred > 1 || size(resolved) !== total || resolved.some((dim) => !Number.isInteger(dim) || dim < 0)) {
    throw new RangeError(`reshape: cannot view [${from.join(', ')}] as [${to.join(', ')}].`);
  }
  return resolved;
}
