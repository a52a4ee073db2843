import { type DType, isDType, Tensor, type TypedArrayOf, UnsupportedError } from '@mav/tensor';
import type { Tensor as OrtTensor } from 'onnxruntime-common';

/** The constructor of an onnxruntime `Tensor` (from onnxruntime-node or onnxruntime-web). */
export type OrtTensorConstructor = new (
  type: DType,
  data: TypedArrayOf[DType],
  dims: readonly number[],
) => OrtTensor;

/** The dtype of an onnxruntime tensor type, or a clear error for types mav does not use. */
export function dtypeOfOrtType(type: string, what: string): DType {
  if (!isDType(type)) {
    throw new UnsupportedError(`${what} has onnxruntime type '${type}', which mav does not support.`);
  }
  return type;
}

/**
 * Host data as mav stores it. onnxruntime may hand float16 back as a `Float16Array` where the JavaScript
 * engine has one; mav keeps float16 as bit patterns in a `Uint16Array`.
 */
export function normaliseOrtData(dtype: DType, data: unknown): TypedArrayOf[DType] {
  if (dtype === 'float16' && !(data instanceof Uint16Array) && ArrayBuffer.isView(data)) {
    return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  }
  if (dtype === 'bool' && !(data instanceof Uint8Array) && ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return data as TypedArrayOf[DType];
}

/**
 * The onnxruntime tensor to feed for a mav tensor. Device tensors made by the same backend are fed as
 * they are (no copy); host tensors are wrapped without copying their data.
 */
export async function toOrtTensor(
  tensor: Tensor,
  OrtTensorClass: OrtTensorConstructor,
  backendName: string,
): Promise<OrtTensor> {
  if (tensor.location !== 'cpu') {
    const storage = tensor.deviceStorage!;
    if (storage.backend === backendName) {
      return storage.native as OrtTensor;
    }
    return new OrtTensorClass(tensor.dtype, await tensor.getData(), tensor.dims);
  }
  return new OrtTensorClass(tensor.dtype, tensor.data, tensor.dims);
}

/**
 * A mav tensor for an onnxruntime output. CPU outputs become host tensors (the data is not copied); GPU
 * outputs stay on the device behind a `DeviceStorage` that downloads on demand and disposes the GPU buffer.
 */
export function fromOrtTensor(value: OrtTensor, backendName: string, what: string): Tensor {
  const dtype = dtypeOfOrtType(value.type, what);
  const dims = [...value.dims];
  if (value.location === 'cpu' || value.location === 'cpu-pinned') {
    return new Tensor({ dtype, dims, data: normaliseOrtData(dtype, value.data) as never });
  }
  if (value.location !== 'gpu-buffer') {
    throw new UnsupportedError(
      `${what} came back at location '${value.location}', which mav does not support.`,
    );
  }
  return Tensor.fromDevice({
    dtype,
    dims,
    location: 'gpu-buffer',
    storage: {
      backend: backendName,
      native: value,
      download: async () => normaliseOrtData(dtype, await value.getData(false)),
      dispose: () => value.dispose(),
    },
  });
}
