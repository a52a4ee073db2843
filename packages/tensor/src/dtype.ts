/**
 * Element types a mav tensor can hold, and the typed array that stores each on the host.
 *
 * float16 values are stored as their IEEE 754 binary16 bit patterns in a `Uint16Array` (see
 * `float16.ts` for conversions); bool is one byte per element, 0 or 1.
 */
export type DType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';

/** Every dtype, in a stable order (used by validation messages and the conformance kit). */
export const dtypes: readonly DType[] = ['float32', 'float16', 'int32', 'int64', 'uint8', 'bool'];

/** The host storage of each dtype. */
export interface TypedArrayOf {
  float32: Float32Array;
  float16: Uint16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any host storage a tensor can have. */
export type TensorData = TypedArrayOf[DType];

const constructors = {
  float32: Float32Array,
  float16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
} as const;

/** Bytes per element of each dtype. */
export const bytesPerElement: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

/** True when `value` names a dtype mav supports. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (dtypes as readonly string[]).includes(value);
}

/** Allocates zeroed host storage for `length` elements of `dtype`. */
export function allocateData<T extends DType>(dtype: T, length: number): TypedArrayOf[T] {
  return new constructors[dtype](length) as TypedArrayOf[T];
}

/** True when `data` is the storage type that `dtype` requires. */
export function isDataOf(dtype: DType, data: unknown): boolean {
  return data instanceof constructors[dtype];
}

/** Name of the typed array a dtype requires, for error messages. */
export function dataTypeName(dtype: DType): string {
  return constructors[dtype].name;
}
