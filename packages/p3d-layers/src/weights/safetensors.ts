import { type DType, Tensor } from '@mav/tensor';
import { SafetensorsError } from './weight-errors.js';

/**
 * Safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {…} }`,
 * then the tensor bytes (little-endian, row-major), offsets relative to the end of the header.
 */

/** Safetensors dtype names and the mav dtypes they load as (BF16 is widened to float32 on read). */
const dtypeOf: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  F32: { dtype: 'float32', bytes: 4 },
  F16: { dtype: 'float16', bytes: 2 },
  BF16: { dtype: 'float32', bytes: 2 },
  I32: { dtype: 'int32', bytes: 4 },
  I64: { dtype: 'int64', bytes: 8 },
  U8: { dtype: 'uint8', bytes: 1 },
  BOOL: { dtype: 'bool', bytes: 1 },
};

const nameOf: Readonly<Record<DType, string>> = {
  float32: 'F32',
  float16: 'F16',
  int32: 'I32',
  int64: 'I64',
  uint8: 'U8',
  bool: 'BOOL',
};

/** Default bound on the JSON header (the reference implementation's limit). */
export const defaultMaxHeaderBytes = 100_000_000;

/** Options of `readSafetensors`. */
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a safetensors file with strict validation: the header length is bounded and inside the file, the
 * header is UTF-8 JSON of the expected form, every dtype is known, every shape is a list of non-negative
 * integers whose size matches the byte range, and the byte ranges lie inside the file, do not overlap and
 * leave no holes. Any violation throws `SafetensorsError` naming the file (and the tensor). Tensor data is
 * copied into aligned typed arrays.
 */
export function readSafetensors(bytes: Uint8Array, options: ReadSafetensorsOptions): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('bytes must be a Uint8Array.');
  }
  const fileName = options.fileName;
  const fail = (message: string, tensorName?: string): never => {
    throw new SafetensorsError(fileName, message, tensorName);
  };
  if (bytes.length < 8) fail(`file is truncated: ${bytes.length} bytes, less than the 8-byte header length.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  const maxHeaderBytes = options.maxHeaderBytes ?? defaultMaxHeaderBytes;
  if (headerLength > BigInt(maxHeaderBytes)) {
    fail(`header length ${headerLength} exceeds the limit of ${maxHeaderBytes} bytes (corrupt file?).`);
  }
  const headerEnd = 8 + Number(headerLength);
  if (headerEnd > bytes.length) {
    fail(`file is truncated: the header needs ${headerEnd} bytes, the file has ${bytes.length}.`);
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd));
  } catch {
    fail('header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) fail(`header must be a JSON object starting with '{'.`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message}).`);
  }
  if (!isPlainObject(header)) fail('header must be a JSON object.');
  const entries = header as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if ('__metadata__' in entries) {
    const raw = entries.__metadata__;
    if (!isPlainObject(raw)) fail('__metadata__ must be an object of strings.');
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value !== 'string') fail(`__metadata__.${key} must be a string, got ${typeof value}.`);
      metadata[key] = value as string;
    }
  }
  const dataLength = bytes.length - headerEnd;
  const ranges: { name: string; begin: number; end: number }[] = [];
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    if (!isPlainObject(entry)) fail('entry must be an object with dtype, shape and data_offsets.', name);
    const { dtype, shape, data_offsets: offsets, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) fail(`unknown field(s) ${extra.join(', ')}.`, name);
    const kind = typeof dtype === 'string' ? dtypeOf[dtype] : undefined;
    if (!kind)
      fail(
        `unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(dtypeOf).join(', ')}).`,
        name,
      );
    if (!Array.isArray(shape) || !shape.every((dim) => Number.isSafeInteger(dim) && dim >= 0)) {
      fail(`shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`, name);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0)
    ) {
      fail(`data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}.`, name);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`data_offsets [${begin}, ${end}] are reversed.`, name);
    if (end > dataLength) {
      fail(
        `data_offsets [${begin}, ${end}] lie outside the ${dataLength} data bytes (truncated file?).`,
        name,
      );
    }
    const dims = shape as number[];
    const size = dims.reduce((product, dim) => product * dim, 1);
    if (end - begin !== size * kind!.bytes) {
      fail(
        `shape [${dims.join(', ')}] of ${dtype} needs ${size * kind!.bytes} bytes, data_offsets give ${end - begin}.`,
        name,
      );
    }
    ranges.push({ name, begin, end });
    tensors[name] = decodeTensor(bytes.subarray(headerEnd + begin, headerEnd + end), dtype as string, dims);
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  for (const range of ranges) {
    if (range.begin < position) fail(`data_offsets overlap the previous tensor's bytes.`, range.name);
    if (range.begin > position)
      fail(`there is a hole of ${range.begin - position} bytes before this tensor's data.`, range.name);
    position = range.end;
  }
  if (position !== dataLength) {
    fail(`${dataLength - position} bytes after the last tensor are not covered by any tensor.`);
  }
  return { tensors, metadata };
}

function decodeTensor(bytes: Uint8Array, dtype: string, dims: number[]): Tensor {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  const count = dims.reduce((product, dim) => product * dim, 1);
  switch (dtype) {
    case 'F32': {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(4 * i, true);
      return new Tensor({ dtype: 'float32', dims, data });
    }
    case 'BF16': {
      const data = new Float32Array(count);
      const widened = new DataView(data.buffer);
      for (let i = 0; i < count; i++) widened.setUint32(4 * i, view.getUint16(2 * i, true) << 16, true);
      return new Tensor({ dtype: 'float32', dims, data });
    }
    case 'F16': {
      const data = new Uint16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getUint16(2 * i, true);
      return new Tensor({ dtype: 'float16', dims, data });
    }
    case 'I32': {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(4 * i, true);
      return new Tensor({ dtype: 'int32', dims, data });
    }
    case 'I64': {
      const data = new BigInt64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getBigInt64(8 * i, true);
      return new Tensor({ dtype: 'int64', dims, data });
    }
    default:
      return new Tensor({ dtype: dtype === 'BOOL' ? 'bool' : 'uint8', dims, data: copy });
  }
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
