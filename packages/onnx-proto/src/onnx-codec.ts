import { onnxSchema } from './onnx-schema.js';
import type { ModelProto } from './onnx-types.js';

/** Serialises a model to ONNX protobuf bytes. Throws `TypeError` when the object does not fit the schema. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = onnxSchema().lookupType('onnx.ModelProto');
  const problem = type.verify(model);
  if (problem) {
    throw new TypeError(`Invalid ONNX model: ${problem}.`);
  }
  return type.encode(type.fromObject(model)).finish();
}

/** Parses ONNX protobuf bytes. int64 fields come back as numbers. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = onnxSchema().lookupType('onnx.ModelProto');
  const message = type.decode(bytes);
  return type.toObject(message, {
    longs: Number,
    bytes: Uint8Array as never,
    defaults: false,
    arrays: true,
  }) as ModelProto;
}
