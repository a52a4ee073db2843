import { Tensor } from '@mav/tensor';
import type { SafetensorsTensorEntry } from './safetensors-header.js';
import { SafetensorsError } from './weight-errors.js';

/** The typed array a tensor of `entry` loads into; an engine that cannot allocate it gives `SafetensorsError`. */
export function allocateTensorData(entry: SafetensorsTensorEntry, fileName: string): Tensor['data'] {
  const count = entry.dims.reduce((product, dim) => product * dim, 1);
  const type = arrayTypeOf(entry.dtype);
  try {
    return new type(count);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new SafetensorsError(
      fileName,
      `the tensor needs one ${type.name} of ${count} elements (${count * type.BYTES_PER_ELEMENT} bytes), more than this JavaScript engine can allocate (${error.message}). Split it into smaller tensors.`,
      entry.name,
    );
  }
}

function arrayTypeOf(
  dtype: string,
):
  | Float32ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor {
  switch (dtype) {
    case 'F32':
    case 'BF16':
      return Float32Array;
    case 'F16':
      return Uint16Array;
    case 'I32':
      return Int32Array;
    case 'I64':
      return BigInt64Array;
    default:
      return Uint8Array;
  }
}

/** The mav tensor over data decoded for `entry`. */
export function tensorOf(entry: SafetensorsTensorEntry, data: Tensor['data']): Tensor {
  const dims = [...entry.dims];
  switch (entry.dtype) {
    case 'F32':
    case 'BF16':
      return new Tensor({ dtype: 'float32', dims, data: data as Float32Array });
    case 'F16':
      return new Tensor({ dtype: 'float16', dims, data: data as Uint16Array });
    case 'I32':
      return new Tensor({ dtype: 'int32', dims, data: data as Int32Array });
    case 'I64':
      return new Tensor({ dtype: 'int64', dims, data: data as BigInt64Array });
    default:
      return new Tensor({ dtype: entry.dtype === 'BOOL' ? 'bool' : 'uint8', dims, data: data as Uint8Array });
  }
}

/** True on little-endian hosts (every common one), where little-endian file bytes are the typed array's bytes. */
export const littleEndianHost = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Decodes little-endian `bytes` of safetensors `dtype` into `target` starting at element `offset`
 * (`bytes` holds whole elements). BF16 is widened to float32.
 */
export function decodeInto(bytes: Uint8Array, dtype: string, target: Tensor['data'], offset = 0): void {
  if (dtype === 'BF16') {
    // bfloat16 is the high half of a float32.
    const count = bytes.length / 2;
    const out = new Uint32Array(target.buffer, target.byteOffset + 4 * offset, count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true) << 16;
    return;
  }
  const width = target.BYTES_PER_ELEMENT;
  const raw = new Uint8Array(target.buffer, target.byteOffset + width * offset, bytes.length);
  raw.set(bytes);
  if (!littleEndianHost && width > 1) swapBytes(raw, width);
}

/** Reverses the byte order of every `width`-byte element in place (big-endian hosts). */
export function swapBytes(bytes: Uint8Array, width: number): void {
  for (let start = 0; start < bytes.length; start += width) {
    bytes.subarray(start, start + width).reverse();
  }
}
