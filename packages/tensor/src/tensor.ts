import { allocateData, type DType, dataTypeName, isDataOf, isDType, type TypedArrayOf } from './dtype.js';
import { DisposedError, UnsupportedError } from './errors.js';
import { toFloat16Bits } from './float16.js';
import { checkShape, describe, formatShape, resolveReshape, type Shape, shapeSize } from './shape.js';

/**
 * Where a tensor's data lives: `cpu` is host memory (a typed array); `gpu-buffer` is memory owned by a
 * backend on a device (e.g. a WebGPU buffer or CUDA memory), read back with `getData()`.
 */
export type TensorLocation = 'cpu' | 'gpu-buffer';

/**
 * Data a backend keeps on a device. The backend that made it is the only one that can feed `native` back
 * into a session; everyone else reads it through `download()`.
 */
export interface DeviceStorage {
  /** Name of the backend that owns the memory. */
  readonly backend: string;
  /** The backend's own tensor object (e.g. an onnxruntime `Tensor`). */
  readonly native: unknown;
  /** Copies the data to host memory. */
  download(): Promise<TypedArrayOf[DType]>;
  /** Frees the device memory. Called once, by `Tensor.dispose()`. */
  dispose(): void;
}

/** Values accepted for host data: the dtype's typed array, or plain numbers (bigints for int64). */
export type TensorValues<T extends DType> =
  | TypedArrayOf[T]
  | (T extends 'int64' ? readonly (bigint | number)[] : readonly number[]);

/** Options of the host-tensor constructor. */
export interface HostTensorOptions<T extends DType> {
  dtype: T;
  dims: readonly number[];
  /**
   * Host data, row-major. A typed array is used as is (not copied); plain numbers are converted (float16
   * values are rounded to the nearest float16, bool values become 0/1). Omitted: zeros.
   */
  data?: TensorValues<T>;
}

/** Options of `Tensor.fromDevice`. */
export interface DeviceTensorOptions<T extends DType> {
  dtype: T;
  dims: readonly number[];
  location: Exclude<TensorLocation, 'cpu'>;
  storage: DeviceStorage;
}

/**
 * An n-dimensional array with a dtype, a shape and data on the host or on a device.
 *
 * Host tensors expose their typed array through `data`. Device tensors (from a backend run with outputs
 * kept on the device) are read with `await getData()`. Either kind is released with `dispose()`; using a
 * disposed tensor throws `DisposedError`.
 */
export class Tensor<T extends DType = DType> {
  readonly dtype: T;
  readonly dims: Shape;
  readonly size: number;
  readonly location: TensorLocation;
  #data: TypedArrayOf[T] | undefined;
  #storage: DeviceStorage | undefined;
  #disposed = false;

  /** Creates a host tensor, or wraps device data when `options` has `storage`. */
  constructor(options: HostTensorOptions<T> | DeviceTensorOptions<T>) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Tensor options must be an object, got ${describe(options)}.`);
    }
    const { dtype, dims } = options;
    if (!isDType(dtype)) {
      throw new TypeError(
        `dtype must be one of float32, float16, int32, int64, uint8, bool; got ${String(dtype)}.`,
      );
    }
    this.dtype = dtype;
    this.dims = checkShape(dims);
    this.size = shapeSize(this.dims);
    if ('storage' in options) {
      if (options.location !== 'gpu-buffer') {
        throw new RangeError(
          `location of a device tensor must be 'gpu-buffer', got ${String(options.location)}.`,
        );
      }
      if (typeof options.storage?.download !== 'function' || typeof options.storage.dispose !== 'function') {
        throw new TypeError('storage must implement DeviceStorage (download and dispose).');
      }
      this.location = options.location;
      this.#storage = options.storage;
    } else {
      this.location = 'cpu';
      this.#data = toTypedArray(dtype, this.size, options.data);
    }
  }

  /** Wraps data that a backend keeps on a device. */
  static fromDevice<T extends DType>(options: DeviceTensorOptions<T>): Tensor<T> {
    return new Tensor<T>(options);
  }

  /** True once `dispose()` was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** The device storage of a device tensor (for the backend that owns it); undefined for host tensors. */
  get deviceStorage(): DeviceStorage | undefined {
    this.#assertLive();
    return this.#storage;
  }

  /**
   * Host data, row-major. Throws `UnsupportedError` for a device tensor: use `await getData()` or
   * `await toHost()` for those.
   */
  get data(): TypedArrayOf[T] {
    this.#assertLive();
    if (this.#data === undefined) {
      throw new UnsupportedError(
        `Tensor data is on '${this.location}'; read it with 'await tensor.getData()' or 'await tensor.toHost()'.`,
      );
    }
    return this.#data;
  }

  /** Host data, downloading it first when the tensor lives on a device. */
  async getData(): Promise<TypedArrayOf[T]> {
    this.#assertLive();
    if (this.#data !== undefined) {
      return this.#data;
    }
    const downloaded = await this.#storage!.download();
    if (!isDataOf(this.dtype, downloaded) || downloaded.length !== this.size) {
      throw new TypeError(
        `Backend '${this.#storage!.backend}' returned ${describe(downloaded)}(${downloaded.length}) for a ${this.dtype} tensor of ${this.size} elements.`,
      );
    }
    return downloaded as TypedArrayOf[T];
  }

  /** A host copy of this tensor (the same object when it is already on the host). */
  async toHost(): Promise<Tensor<T>> {
    if (this.location === 'cpu') {
      this.#assertLive();
      return this;
    }
    return new Tensor<T>({
      dtype: this.dtype,
      dims: this.dims,
      data: (await this.getData()) as TensorValues<T>,
    });
  }

  /** A host tensor with the same data and a new shape (one axis may be -1). Shares the typed array. */
  reshape(dims: readonly number[]): Tensor<T> {
    const resolved = resolveReshape(this.dims, dims);
    return new Tensor<T>({ dtype: this.dtype, dims: resolved, data: this.data as TensorValues<T> });
  }

  /** Releases the data (device memory is freed at once). Safe to call twice. */
  dispose(): void {
    if (this.#disposed) {
      return;
    }
    this.#disposed = true;
    this.#data = undefined;
    const storage = this.#storage;
    this.#storage = undefined;
    storage?.dispose();
  }

  /** `Tensor(float32 [1, 3, 16, 32, 32] on cpu)`, for logs and messages. */
  toString(): string {
    return `Tensor(${this.dtype} ${formatShape(this.dims)} on ${this.location}${this.#disposed ? ', disposed' : ''})`;
  }

  #assertLive(): void {
    if (this.#disposed) {
      throw new DisposedError(`${this.toString()} was used after dispose().`);
    }
  }
}

function toTypedArray<T extends DType>(
  dtype: T,
  size: number,
  values: TensorValues<T> | undefined,
): TypedArrayOf[T] {
  if (values === undefined) {
    return allocateData(dtype, size);
  }
  let data: TypedArrayOf[T];
  if (ArrayBuffer.isView(values)) {
    if (!isDataOf(dtype, values)) {
      throw new TypeError(
        `data for dtype ${dtype} must be a ${dataTypeName(dtype)}, got ${describe(values)}.`,
      );
    }
    data = values as TypedArrayOf[T];
  } else if (Array.isArray(values)) {
    data = allocateData(dtype, values.length);
    values.forEach((value: unknown, index: number) => {
      (data as unknown as Record<number, number | bigint>)[index] = convertValue(dtype, value, index);
    });
  } else {
    throw new TypeError(`data must be a typed array or an array of numbers, got ${describe(values)}.`);
  }
  if (data.length !== size) {
    throw new RangeError(`data has ${data.length} elements but dims need ${size}.`);
  }
  return data;
}

function convertValue(dtype: DType, value: unknown, index: number): number | bigint {
  if (dtype === 'int64') {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    throw new TypeError(`data[${index}] must be a bigint or a safe integer for int64, got ${String(value)}.`);
  }
  if (typeof value !== 'number') {
    throw new TypeError(`data[${index}] must be a number, got ${describe(value)}.`);
  }
  if (dtype === 'float16') return toFloat16Bits(value);
  if (dtype === 'bool') return value ? 1 : 0;
  return value;
}
