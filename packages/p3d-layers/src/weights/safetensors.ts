import type { DType, Tensor } from '@mav/tensor';
import { allocateTensorData, decodeInto, tensorOf } from './safetensors-decode.js';
import {
  defaultMaxHeaderBytes,
  parseSafetensorsHeader,
  safetensorsDataOffset,
} from './safetensors-header.js';

export { defaultMaxHeaderBytes } from './safetensors-header.js';
export { readSafetensorsFrom, type SafetensorsByteSource } from './safetensors-reader.js';

const nameOf: Readonly<Record<DType, string>> = {
  float32: 'F32',
  float16: 'F16',
  int32: 'I32',
  int64: 'I64',
  uint8: 'U8',
  bool: 'BOOL',
};

/** Options of `readSafetensors` and `readSafetensorsFrom`. */
export interface ReadSafetensorsOptions {
  /** Name of the file, quoted in every error. */
  fileName: string;
  /** Largest accepted header, in bytes. Default 100 MB. */
  maxHeaderBytes?: number;
}

/** The contents of a safetensors file. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Parses a safetensors file held in memory with strict validation: the header length is bounded and inside
 * the file, the header is UTF-8 JSON of the expected form, every dtype is known, every shape is a list of
 * non-negative integers whose size matches the byte range, and the byte ranges lie inside the file, do not
 * overlap and leave no holes. Any violation throws `SafetensorsError` naming the file (and the tensor),
 * before any tensor is allocated. Tensor data is copied into aligned typed arrays. For files too large to
 * hold in memory twice, read by offset with `readSafetensorsFrom`.
 */
export function readSafetensors(bytes: Uint8Array, options: ReadSafetensorsOptions): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('bytes must be a Uint8Array.');
  }
  const { fileName } = options;
  const dataOffset = safetensorsDataOffset(bytes, {
    fileName,
    fileSize: bytes.length,
    maxHeaderBytes: options.maxHeaderBytes ?? defaultMaxHeaderBytes,
  });
  const header = parseSafetensorsHeader(bytes.subarray(8, dataOffset), { fileName, fileSize: bytes.length });
  const tensors: Record<string, Tensor> = {};
  for (const entry of header.tensors) {
    const data = allocateTensorData(entry, fileName);
    decodeInto(bytes.subarray(dataOffset + entry.begin, dataOffset + entry.end), entry.dtype, data);
    tensors[entry.name] = tensorOf(entry, data);
  }
  return { tensors, metadata: header.metadata };
}

/**
 * Serialises host tensors as safetensors: names sorted, data packed in that order without gaps, the header
 * padded with spaces to a multiple of 8 bytes. `metadata` goes to `__metadata__` (string values only).
 */
export function writeSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw new TypeError(`metadata.${key} must be a string.`);
    }
    header.__metadata__ = { ...metadata };
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new RangeError(`tensor name '__metadata__' is reserved.`);
    const tensor = tensors[name]!;
    const bytes = littleEndian(tensor.data);
    header[name] = {
      dtype: nameOf[tensor.dtype],
      shape: [...tensor.dims],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  json += ' '.repeat((8 - (encoded.length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

function littleEndian(data: Tensor['data']): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (data instanceof Float32Array) view.setFloat32(i * 4, value as number, true);
    else if (data instanceof Uint16Array) view.setUint16(i * 2, value as number, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, value as number, true);
    else if (data instanceof BigInt64Array) view.setBigInt64(i * 8, value as bigint, true);
    else out[i * width] = value as number;
  }
  return out;
}
