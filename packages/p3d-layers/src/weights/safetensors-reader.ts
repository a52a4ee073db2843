import { throwIfAborted } from '@mav/tensor';
import type { ReadSafetensorsOptions, SafetensorsContents } from './safetensors.js';
import { allocateTensorData, littleEndianHost, swapBytes, tensorOf } from './safetensors-decode.js';
import {
  defaultMaxHeaderBytes,
  parseSafetensorsHeader,
  safetensorsDataOffset,
} from './safetensors-header.js';

/**
 * Random access to the bytes of a file (an open file in Node, a `Blob` in browsers): what
 * `readSafetensorsFrom` needs to read a safetensors file by offset instead of holding it whole.
 */
export interface SafetensorsByteSource {
  /** Size of the file in bytes. */
  readonly size: number;
  /** Fills `target` with the bytes starting at `position`; throws if the file ends first. */
  readInto(target: Uint8Array, position: number): Promise<void>;
}

/** Largest single `readInto` request: each tensor is read straight into its typed array in pieces of this size. */
export const safetensorsReadChunkBytes = 64 * 2 ** 20;

/**
 * Reads a safetensors file by offset: the header first (validated exactly as `readSafetensors` does, before
 * any tensor is allocated), then each tensor straight into its own typed array, in pieces of at most
 * `safetensorsReadChunkBytes`. No buffer of the file's size is made, so memory stays at the tensors' own
 * size (files of 2 GiB and more included). A tensor larger than one typed array of this JavaScript engine
 * throws `SafetensorsError` naming the file and the tensor; so does every other problem of the file.
 */
export async function readSafetensorsFrom(
  source: SafetensorsByteSource,
  options: ReadSafetensorsOptions & { signal?: AbortSignal },
): Promise<SafetensorsContents> {
  if (typeof source?.readInto !== 'function' || !Number.isSafeInteger(source.size) || source.size < 0) {
    throw new TypeError('source must be a SafetensorsByteSource ({ size, readInto(target, position) }).');
  }
  const { fileName, signal } = options;
  const fileSize = source.size;
  const prefix = new Uint8Array(Math.min(8, fileSize));
  await source.readInto(prefix, 0);
  const dataOffset = safetensorsDataOffset(prefix, {
    fileName,
    fileSize,
    maxHeaderBytes: options.maxHeaderBytes ?? defaultMaxHeaderBytes,
  });
  const headerBytes = new Uint8Array(dataOffset - 8);
  await source.readInto(headerBytes, 8);
  const header = parseSafetensorsHeader(headerBytes, { fileName, fileSize });
  const contents: SafetensorsContents = { tensors: {}, metadata: header.metadata };
  for (const entry of header.tensors) {
    throwIfAborted(signal, `Reading ${fileName}`);
    const data = allocateTensorData(entry, fileName);
    const start = dataOffset + entry.begin;
    if (entry.dtype === 'BF16') {
      // bfloat16 is the high half of a float32: read pieces of the raw 2-byte values and widen them.
      const out = new Uint32Array(data.buffer, data.byteOffset, data.length);
      const piece = new Uint16Array(Math.min(data.length, safetensorsReadChunkBytes / 2));
      for (let element = 0; element < data.length; element += piece.length) {
        const count = Math.min(piece.length, data.length - element);
        const raw = new Uint8Array(piece.buffer, 0, 2 * count);
        await source.readInto(raw, start + 2 * element);
        if (!littleEndianHost) swapBytes(raw, 2);
        for (let i = 0; i < count; i++) out[element + i] = piece[i]! << 16;
      }
    } else {
      const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let offset = 0; offset < raw.length; offset += safetensorsReadChunkBytes) {
        if (offset > 0) throwIfAborted(signal, `Reading ${fileName}`);
        await source.readInto(raw.subarray(offset, offset + safetensorsReadChunkBytes), start + offset);
      }
      if (!littleEndianHost && data.BYTES_PER_ELEMENT > 1) swapBytes(raw, data.BYTES_PER_ELEMENT);
    }
    contents.tensors[entry.name] = tensorOf(entry, data);
  }
  return contents;
}
