export {
  attribute,
  type ElementData,
  elementTypeOf,
  littleEndianBytes,
  MAV_IR_VERSION,
  MAV_OPSET,
  type ModelOptions,
  model,
  type NodeOptions,
  node,
  onnxDataType,
  type TensorProtoOptions,
  tensorProto,
  valueInfo,
} from './onnx-builders.js';
export { decodeModel, encodeModel } from './onnx-codec.js';
export { onnxSchema, onnxSchemaText } from './onnx-schema.js';
export {
  type AttributeProto,
  type GraphProto,
  type Int64Like,
  type ModelProto,
  type NodeProto,
  OnnxAttributeType,
  OnnxDataType,
  type OnnxElementType,
  type OperatorSetIdProto,
  type StringStringEntryProto,
  type TensorProto,
  type TensorShapeDimension,
  type TypeProto,
  type ValueInfoProto,
} from './onnx-types.js';
