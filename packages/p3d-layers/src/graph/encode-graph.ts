import {
  encodeModel,
  littleEndianBytes,
  MAV_OPSET,
  model,
  onnxDataType,
  type TensorProto,
  valueInfo,
} from '@mav/onnx-proto';
import { float16ToFloat32, float32ToFloat16, type Tensor } from '@mav/tensor';
import type { GraphBuilder } from './graph-builder.js';
import type { GraphDType } from './graph-value.js';

/**
 * Where parameters go when a model is too large for one protobuf (2 GiB): ONNX "external data", a second
 * file next to the model that initializers point into by offset and length.
 */
export interface ExternalDataOptions {
  /** File name the model refers to, relative to the model file (e.g. 'unet.onnx.data'). */
  location: string;
  /** Parameters of at least this many bytes go to the external file; smaller ones stay inline. Default 1024. */
  minBytes?: number;
}

/** Options of `encodeGraph`. */
export interface EncodeGraphOptions {
  /** Parameter data by name; every declared parameter must be present (check with `checkWeights` first). */
  weights: Readonly<Record<string, Tensor>>;
  /** Write parameters to an external-data file instead of inline. */
  externalData?: ExternalDataOptions;
  /** Key/value metadata stored in the model. */
  metadata?: Readonly<Record<string, string>>;
  /** Model doc string. */
  docString?: string;
}

/** An encoded model, and its external-data file when one was asked for. */
export interface EncodedGraph {
  modelBytes: Uint8Array;
  /** The bytes of the external-data file (write it at `externalData.location` next to the model). */
  externalData?: Uint8Array;
}

/** Above this many bytes of parameters an inline model cannot be encoded (protobuf's 2 GiB limit). */
export const inlineParameterLimitBytes = 2 ** 31 - 64 * 2 ** 20;

const externalAlignment = 64;

/**
 * Encodes a built graph as an ONNX ModelProto at `MAV_OPSET`, attaching each declared parameter's data by
 * name, converted to the graph's float type. With `externalData`, large parameters are written to a separate
 * buffer (64-byte aligned) that the model references by `location`, offset and length.
 */
export function encodeGraph(graph: GraphBuilder, options: EncodeGraphOptions): EncodedGraph {
  const initializers: TensorProto[] = [...graph.constants];
  const chunks: Uint8Array[] = [];
  let externalLength = 0;
  let inlineBytes = 0;
  const minBytes = options.externalData?.minBytes ?? 1024;
  for (const spec of graph.parameters) {
    const tensor = options.weights[spec.name];
    if (!tensor) {
      throw new RangeError(`weights has no tensor '${spec.name}'.`);
    }
    const bytes = littleEndianBytes(convertData(tensor, graph.dtype));
    const base = { name: spec.name, dataType: onnxDataType(graph.dtype), dims: [...spec.dims] };
    if (options.externalData && bytes.length >= minBytes) {
      const offset = Math.ceil(externalLength / externalAlignment) * externalAlignment;
      if (offset > externalLength) chunks.push(new Uint8Array(offset - externalLength));
      chunks.push(bytes);
      externalLength = offset + bytes.length;
      initializers.push({
        ...base,
        dataLocation: 1,
        externalData: [
          { key: 'location', value: options.externalData.location },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(bytes.length) },
        ],
      });
    } else {
      inlineBytes += bytes.length;
      initializers.push({ ...base, rawData: bytes });
    }
  }
  if (inlineBytes > inlineParameterLimitBytes) {
    throw new RangeError(
      `the model's parameters take ${inlineBytes} bytes, over protobuf's 2 GiB limit: pass externalData to write them to a separate file.`,
    );
  }
  const modelBytes = encodeModel(
    model({
      opset: MAV_OPSET,
      producerName: '@mav/p3d-layers',
      ...(options.docString === undefined ? {} : { docString: options.docString }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      graph: {
        name: graph.name,
        node: graph.nodes,
        initializer: initializers,
        input: graph.inputs.map((input) => valueInfo(input.name, input.dtype, input.dims)),
        output: graph.outputs.map((output) => valueInfo(output.name, output.dtype, output.dims)),
      },
    }),
  );
  if (!options.externalData) return { modelBytes };
  const externalData = new Uint8Array(externalLength);
  let position = 0;
  for (const chunk of chunks) {
    externalData.set(chunk, position);
    position += chunk.length;
  }
  return { modelBytes, externalData };
}

function convertData(tensor: Tensor, dtype: GraphDType): Float32Array | Uint16Array {
  const data = tensor.data;
  if (tensor.dtype === dtype) return data as Float32Array | Uint16Array;
  if (tensor.dtype === 'float32' && dtype === 'float16') return float32ToFloat16(data as Float32Array);
  if (tensor.dtype === 'float16' && dtype === 'float32') return float16ToFloat32(data as Uint16Array);
  throw new TypeError(`weights must be float32 or float16 tensors, got ${tensor.dtype}.`);
}
