import type { DType } from '@mav/tensor';
import { SafetensorsError } from './weight-errors.js';

/**
 * Safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N
 * bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {…} }`,
 * then the tensor bytes (little-endian, row-major), offsets relative to the end of the header.
 */

/** Safetensors dtype names and the mav dtypes they load as (BF16 is widened to float32 on read). */
export const safetensorsDtypes: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  F32: { dtype: 'float32', bytes: 4 },
  F16: { dtype: 'float16', bytes: 2 },
  BF16: { dtype: 'float32', bytes: 2 },
  I32: { dtype: 'int32', bytes: 4 },
  I64: { dtype: 'int64', bytes: 8 },
  U8: { dtype: 'uint8', bytes: 1 },
  BOOL: { dtype: 'bool', bytes: 1 },
};

/** Default bound on the JSON header (the reference implementation's limit). */
export const defaultMaxHeaderBytes = 100_000_000;

/** One tensor of a safetensors header, validated. */
export interface SafetensorsTensorEntry {
  readonly name: string;
  /** The safetensors dtype name ('F32', 'BF16', …). */
  readonly dtype: string;
  readonly dims: readonly number[];
  /** Byte range relative to the start of the data (the end of the header). */
  readonly begin: number;
  readonly end: number;
}

/** A parsed, validated safetensors header. */
export interface SafetensorsHeader {
  /** Offset of the data in the file: 8 + the header length. */
  readonly dataOffset: number;
  /** The tensors in header order. */
  readonly tensors: readonly SafetensorsTensorEntry[];
  readonly metadata: Record<string, string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The data offset (8 + N) from the file's first bytes, checked: at least 8 bytes, N within
 * `maxHeaderBytes` and inside a file of `fileSize` bytes. Throws `SafetensorsError` naming the file.
 */
export function safetensorsDataOffset(
  prefix: Uint8Array,
  options: { fileName: string; fileSize: number; maxHeaderBytes?: number },
): number {
  const { fileName, fileSize } = options;
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError(
      fileName,
      `file is truncated: ${fileSize} bytes, less than the 8-byte header length.`,
    );
  }
  const headerLength = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  const maxHeaderBytes = options.maxHeaderBytes ?? defaultMaxHeaderBytes;
  if (headerLength > BigInt(maxHeaderBytes)) {
    throw new SafetensorsError(
      fileName,
      `header length ${headerLength} exceeds the limit of ${maxHeaderBytes} bytes (corrupt file?).`,
    );
  }
  const dataOffset = 8 + Number(headerLength);
  if (dataOffset > fileSize) {
    throw new SafetensorsError(
      fileName,
      `file is truncated: the header needs ${dataOffset} bytes, the file has ${fileSize}.`,
    );
  }
  return dataOffset;
}

/**
 * Parses the JSON header (the bytes from offset 8 to `dataOffset`) with strict validation: UTF-8 JSON of
 * the expected form, every dtype known, every shape a list of non-negative integers whose size matches the
 * byte range, the byte ranges inside the file, not overlapping and leaving no holes. Any violation throws
 * `SafetensorsError` naming the file (and the tensor).
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  options: { fileName: string; fileSize: number },
): SafetensorsHeader {
  const { fileName } = options;
  const fail = (message: string, tensorName?: string): never => {
    throw new SafetensorsError(fileName, message, tensorName);
  };
  const dataOffset = 8 + headerBytes.length;
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
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
  const dataLength = options.fileSize - dataOffset;
  const tensors: SafetensorsTensorEntry[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    if (name === '__metadata__') continue;
    if (!isPlainObject(entry)) fail('entry must be an object with dtype, shape and data_offsets.', name);
    const { dtype, shape, data_offsets: offsets, ...rest } = entry as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) fail(`unknown field(s) ${extra.join(', ')}.`, name);
    const kind = typeof dtype === 'string' ? safetensorsDtypes[dtype] : undefined;
    if (!kind)
      fail(
        `unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(safetensorsDtypes).join(', ')}).`,
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
    tensors.push({ name, dtype: dtype as string, dims, begin, end });
  }
  const ranges = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
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
  return { dataOffset, tensors, metadata };
}
