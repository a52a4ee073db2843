import {
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxElementType,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-types.js';

/** The opset mav's graphs target (ONNX default domain). Every backend adapter accepts it. */
export const MAV_OPSET = 17;
/** The IR version matching opset 17. */
export const MAV_IR_VERSION = 8;

const dataTypeCodes: Record<OnnxElementType, number> = {
  float32: OnnxDataType.FLOAT,
  float16: OnnxDataType.FLOAT16,
  int32: OnnxDataType.INT32,
  int64: OnnxDataType.INT64,
  uint8: OnnxDataType.UINT8,
  bool: OnnxDataType.BOOL,
};

/** ONNX data type code of a mav element type. */
export function onnxDataType(elementType: OnnxElementType): number {
  const code = dataTypeCodes[elementType];
  if (code === undefined) {
    throw new RangeError(
      `elementType must be one of ${Object.keys(dataTypeCodes).join(', ')}, got ${elementType}.`,
    );
  }
  return code;
}

/** mav element type of an ONNX data type code, or undefined for types mav does not use. */
export function elementTypeOf(code: number): OnnxElementType | undefined {
  for (const [name, value] of Object.entries(dataTypeCodes)) {
    if (value === code) return name as OnnxElementType;
  }
  return undefined;
}

/** Attribute constructors, one per ONNX attribute type (no guessing int vs float from a number). */
export const attribute = {
  int: (name: string, value: number): AttributeProto => ({ name, type: OnnxAttributeType.INT, i: value }),
  float: (name: string, value: number): AttributeProto => ({ name, type: OnnxAttributeType.FLOAT, f: value }),
  string: (name: string, value: string): AttributeProto => ({
    name,
    type: OnnxAttributeType.STRING,
    s: new TextEncoder().encode(value),
  }),
  ints: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: OnnxAttributeType.INTS,
    ints: [...values],
  }),
  floats: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: OnnxAttributeType.FLOATS,
    floats: [...values],
  }),
  tensor: (name: string, value: TensorProto): AttributeProto => ({
    name,
    type: OnnxAttributeType.TENSOR,
    t: value,
  }),
};

/** Options of `node`. */
export interface NodeOptions {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: readonly AttributeProto[];
  domain?: string;
}

/** A graph node. Empty input names stand for omitted optional inputs, as ONNX specifies. */
export function node(options: NodeOptions): NodeProto {
  return {
    opType: options.opType,
    input: [...options.inputs],
    output: [...options.outputs],
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    attribute: [...(options.attributes ?? [])],
  };
}

/** A graph input/output declaration; a string dim is a symbolic axis, undefined an unknown one. */
export function valueInfo(
  name: string,
  elementType: OnnxElementType,
  dims?: readonly (number | string | undefined)[],
): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxDataType(elementType),
        ...(dims === undefined
          ? {}
          : {
              shape: {
                dim: dims.map((dim) =>
                  typeof dim === 'number' ? { dimValue: dim } : dim === undefined ? {} : { dimParam: dim },
                ),
              },
            }),
      },
    },
  };
}

/** Typed arrays accepted as tensor data (float16 as bit patterns in a Uint16Array). */
export type ElementData = Float32Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array;

/** Options of `tensorProto`. */
export interface TensorProtoOptions {
  name: string;
  elementType: OnnxElementType;
  dims: readonly number[];
  data: ElementData;
}

/** A tensor with its data inline as little-endian `raw_data`. */
export function tensorProto(options: TensorProtoOptions): TensorProto {
  const { name, elementType, dims, data } = options;
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (data.length !== expected) {
    throw new RangeError(
      `tensor '${name}' has ${data.length} elements but dims [${dims.join(', ')}] need ${expected}.`,
    );
  }
  return {
    name,
    dataType: onnxDataType(elementType),
    dims: [...dims],
    rawData: littleEndianBytes(data),
  };
}

/** The bytes of a typed array in little-endian order (a copy). */
export function littleEndianBytes(data: ElementData): Uint8Array {
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (!hostIsLittleEndian && data.BYTES_PER_ELEMENT > 1) {
    for (let start = 0; start < bytes.length; start += data.BYTES_PER_ELEMENT) {
      bytes.subarray(start, start + data.BYTES_PER_ELEMENT).reverse();
    }
  }
  return bytes;
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Options of `model`. */
export interface ModelOptions {
  graph: GraphProto;
  opset?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Readonly<Record<string, string>>;
}

/** A model around one graph, importing the default domain at `opset` (default `MAV_OPSET`). */
export function model(options: ModelOptions): ModelProto {
  return {
    irVersion: MAV_IR_VERSION,
    opsetImport: [{ domain: '', version: options.opset ?? MAV_OPSET }],
    producerName: options.producerName ?? 'mav',
    producerVersion: options.producerVersion ?? '0.1.0',
    ...(options.docString === undefined ? {} : { docString: options.docString }),
    graph: options.graph,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  };
}
