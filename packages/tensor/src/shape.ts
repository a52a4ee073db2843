/**
 * Shape helpers. Dimensions are non-negative safe integers; every check names the parameter it is about
 * and throws `TypeError` for a value of the wrong kind and `RangeError` for one out of range.
 */

/** A tensor shape: one non-negative integer per axis. */
export type Shape = readonly number[];

/** Validates `dims` and returns a frozen copy. */
export function checkShape(dims: unknown, parameter = 'dims'): Shape {
  if (!Array.isArray(dims)) {
    throw new TypeError(`${parameter} must be an array of integers, got ${describe(dims)}.`);
  }
  dims.forEach((dim, axis) => {
    if (typeof dim !== 'number') {
      throw new TypeError(`${parameter}[${axis}] must be a number, got ${describe(dim)}.`);
    }
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`${parameter}[${axis}] must be a non-negative integer, got ${dim}.`);
    }
  });
  return Object.freeze([...dims]);
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(dims: Shape): number {
  let size = 1;
  for (const dim of dims) {
    size *= dim;
  }
  return size;
}

/** Row-major strides of a shape, in elements. */
export function shapeStrides(dims: Shape): number[] {
  const strides = new Array<number>(dims.length);
  let stride = 1;
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= dims[axis]!;
  }
  return strides;
}

/** True when two shapes are equal axis by axis. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, axis) => dim === b[axis]);
}

/** Formats a shape as `[2, 3, 4]` for messages. */
export function formatShape(dims: Shape): string {
  return `[${dims.join(', ')}]`;
}

/**
 * Resolves a reshape target in which at most one axis is -1 (inferred). Throws `RangeError` when the
 * element counts differ.
 */
export function resolveReshape(from: Shape, to: readonly number[], parameter = 'dims'): Shape {
  const size = shapeSize(from);
  const inferred = to.filter((dim) => dim === -1).length;
  if (inferred > 1) {
    throw new RangeError(`${parameter} may contain at most one -1, got ${formatShape(to)}.`);
  }
  const known = to.reduce((product, dim) => (dim === -1 ? product : product * dim), 1);
  const resolved = to.map((dim) => {
    if (dim !== -1) {
      return dim;
    }
    if (known === 0 || size % known !== 0) {
      throw new RangeError(`Cannot infer -1 in ${parameter} ${formatShape(to)} for ${size} elements.`);
    }
    return size / known;
  });
  const checked = checkShape(resolved, parameter);
  if (shapeSize(checked) !== size) {
    throw new RangeError(
      `Cannot reshape ${formatShape(from)} (${size} elements) to ${formatShape(checked)} (${shapeSize(checked)} elements).`,
    );
  }
  return checked;
}

/** Short description of a value's kind for TypeError messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}
