/**
 * Plain-object shapes of the ONNX messages (camelCase field names, as protobufjs maps them). Optional
 * fields may be omitted; int64 fields are numbers (safe integers) when written and numbers or Long-like
 * objects when read back.
 */

/** Element types mav writes, by their mav name. */
export type OnnxElementType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';

/** ONNX TensorProto.DataType codes. */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

/** ONNX AttributeProto.AttributeType codes. */
export const OnnxAttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

export type Int64Like = number | { toNumber(): number };

export interface StringStringEntryProto {
  key: string;
  value: string;
}

export interface TensorProto {
  name?: string;
  dims?: Int64Like[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64Like[];
  externalData?: StringStringEntryProto[];
  /** 0 = DEFAULT (data inline), 1 = EXTERNAL (see `externalData`). */
  dataLocation?: number;
  docString?: string;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: Int64Like;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Int64Like[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  name?: string;
  opType: string;
  domain?: string;
  input: string[];
  output: string[];
  attribute?: AttributeProto[];
  docString?: string;
}

export interface TensorShapeDimension {
  dimValue?: Int64Like;
  dimParam?: string;
}

export interface TypeProto {
  tensorType?: {
    elemType: number;
    shape?: { dim: TensorShapeDimension[] };
  };
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
  docString?: string;
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer?: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}

export interface OperatorSetIdProto {
  domain?: string;
  version: Int64Like;
}

export interface ModelProto {
  irVersion: Int64Like;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: Int64Like;
  docString?: string;
  graph: GraphProto;
  metadataProps?: StringStringEntryProto[];
}
