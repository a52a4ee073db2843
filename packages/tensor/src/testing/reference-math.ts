/**
 * Plain-TypeScript reference implementations of the ONNX operators the conformance kit checks, written
 * for clarity rather than speed and computed in float64. Layouts follow ONNX: NCHW / NCL for convolutions,
 * row-major everywhere.
 */

import { shapeSize, shapeStrides } from '../shape.js';

/** A host array with its shape (float64 math, results compared against float32 backends). */
export interface ReferenceArray {
  dims: number[];
  data: Float64Array;
}

/** Builds a ReferenceArray from any numeric array. */
export function referenceArray(dims: readonly number[], data: ArrayLike<number>): ReferenceArray {
  if (data.length !== shapeSize(dims)) {
    throw new RangeError(
      `reference data has ${data.length} elements but dims [${dims.join(', ')}] need ${shapeSize(dims)}.`,
    );
  }
  return { dims: [...dims], data: Float64Array.from(data) };
}

/** Options of `convolution`: ONNX Conv attributes for 1 or 2 spatial dimensions. */
export interface ConvolutionOptions {
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  group?: number;
}

/** ONNX Conv for input [n, c, ...spatial] and weight [m, c/group, ...kernel], spatial rank 1 or 2. */
export function convolution(
  input: ReferenceArray,
  weight: ReferenceArray,
  bias: ReferenceArray | undefined,
  options: ConvolutionOptions = {},
): ReferenceArray {
  const rank = input.dims.length - 2;
  // Treat 1-D as 2-D with a height of 1 so that one loop nest serves both.
  const lift = (dims: number[]) => (rank === 1 ? [dims[0]!, dims[1]!, 1, dims[2]!] : dims);
  const [batch, channels, height, width] = lift(input.dims) as [number, number, number, number];
  const [outChannels, groupChannels, kernelH, kernelW] = lift(weight.dims) as [
    number,
    number,
    number,
    number,
  ];
  const group = options.group ?? 1;
  const strides = rank === 1 ? [1, options.strides?.[0] ?? 1] : (options.strides ?? [1, 1]);
  const dilations = rank === 1 ? [1, options.dilations?.[0] ?? 1] : (options.dilations ?? [1, 1]);
  const pads =
    rank === 1 ? [0, options.pads?.[0] ?? 0, 0, options.pads?.[1] ?? 0] : (options.pads ?? [0, 0, 0, 0]);
  const [padTop, padLeft, padBottom, padRight] = pads as [number, number, number, number];
  const outHeight =
    Math.floor((height + padTop + padBottom - dilations[0]! * (kernelH - 1) - 1) / strides[0]!) + 1;
  const outWidth =
    Math.floor((width + padLeft + padRight - dilations[1]! * (kernelW - 1) - 1) / strides[1]!) + 1;
  const outPerGroup = outChannels / group;
  const out = new Float64Array(batch * outChannels * outHeight * outWidth);
  for (let n = 0; n < batch; n++) {
    for (let m = 0; m < outChannels; m++) {
      const g = Math.floor(m / outPerGroup);
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          let sum = bias ? bias.data[m]! : 0;
          for (let c = 0; c < groupChannels; c++) {
            const inputChannel = g * groupChannels + c;
            for (let ky = 0; ky < kernelH; ky++) {
              const iy = oy * strides[0]! - padTop + ky * dilations[0]!;
              if (iy < 0 || iy >= height) continue;
              for (let kx = 0; kx < kernelW; kx++) {
                const ix = ox * strides[1]! - padLeft + kx * dilations[1]!;
                if (ix < 0 || ix >= width) continue;
                sum +=
                  input.data[((n * channels + inputChannel) * height + iy) * width + ix]! *
                  weight.data[((m * groupChannels + c) * kernelH + ky) * kernelW + kx]!;
              }
            }
          }
          out[((n * outChannels + m) * outHeight + oy) * outWidth + ox] = sum;
        }
      }
    }
  }
  const dims = rank === 1 ? [batch, outChannels, outWidth] : [batch, outChannels, outHeight, outWidth];
  return { dims, data: out };
}

/** ONNX MatMul with numpy broadcasting of the batch dimensions (both operands at least 2-D). */
export function matMul(a: ReferenceArray, b: ReferenceArray): ReferenceArray {
  const rows = a.dims.at(-2)!;
  const inner = a.dims.at(-1)!;
  const cols = b.dims.at(-1)!;
  if (b.dims.at(-2) !== inner) {
    throw new RangeError(`matMul: inner dimensions differ (${inner} vs ${b.dims.at(-2)}).`);
  }
  const batchA = a.dims.slice(0, -2);
  const batchB = b.dims.slice(0, -2);
  const batchDims = broadcastShapes(batchA, batchB);
  const batchCount = shapeSize(batchDims);
  const out = new Float64Array(batchCount * rows * cols);
  for (let batch = 0; batch < batchCount; batch++) {
    const offsetA = broadcastIndex(batch, batchDims, batchA) * rows * inner;
    const offsetB = broadcastIndex(batch, batchDims, batchB) * inner * cols;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let k = 0; k < inner; k++) {
          sum += a.data[offsetA + i * inner + k]! * b.data[offsetB + k * cols + j]!;
        }
        out[(batch * rows + i) * cols + j] = sum;
      }
    }
  }
  return { dims: [...batchDims, rows, cols], data: out };
}

/** Numpy broadcast of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const dimA = a[a.length - rank + axis] ?? 1;
    const dimB = b[b.length - rank + axis] ?? 1;
    if (dimA !== dimB && dimA !== 1 && dimB !== 1) {
      throw new RangeError(`Shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast.`);
    }
    out.push(Math.max(dimA, dimB));
  }
  return out;
}

/** Flat index into an operand of shape `dims` for flat index `index` of the broadcast shape `outDims`. */
function broadcastIndex(index: number, outDims: readonly number[], dims: readonly number[]): number {
  const outStrides = shapeStrides(outDims);
  const strides = shapeStrides(dims);
  const offset = outDims.length - dims.length;
  let flat = 0;
  for (let axis = 0; axis < outDims.length; axis++) {
    const coordinate = Math.floor(index / outStrides[axis]!) % outDims[axis]!;
    const operandAxis = axis - offset;
    if (operandAxis >= 0 && dims[operandAxis] !== 1) {
      flat += coordinate * strides[operandAxis]!;
    }
  }
  return flat;
}

/** Elementwise binary operation with numpy broadcasting. */
export function binary(
  a: ReferenceArray,
  b: ReferenceArray,
  operation: (x: number, y: number) => number,
): ReferenceArray {
  const dims = broadcastShapes(a.dims, b.dims);
  const out = new Float64Array(shapeSize(dims));
  for (let index = 0; index < out.length; index++) {
    out[index] = operation(
      a.data[broadcastIndex(index, dims, a.dims)]!,
      b.data[broadcastIndex(index, dims, b.dims)]!,
    );
  }
  return { dims, data: out };
}

/** Elementwise unary operation. */
export function unary(a: ReferenceArray, operation: (x: number) => number): ReferenceArray {
  return { dims: [...a.dims], data: a.data.map(operation) };
}

/** Splits `dims` around `axis` into (outer, length, inner) counts. */
function around(dims: readonly number[], axis: number): [number, number, number] {
  const resolved = axis < 0 ? axis + dims.length : axis;
  return [shapeSize(dims.slice(0, resolved)), dims[resolved]!, shapeSize(dims.slice(resolved + 1))];
}

/** Softmax along one axis (max-subtracted, as every stable implementation does). */
export function softmax(a: ReferenceArray, axis: number): ReferenceArray {
  const [outer, length, inner] = around(a.dims, axis);
  const out = new Float64Array(a.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * length + k) * inner + i;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < length; k++) max = Math.max(max, a.data[at(k)]!);
      let total = 0;
      for (let k = 0; k < length; k++) total += Math.exp(a.data[at(k)]! - max);
      for (let k = 0; k < length; k++) out[at(k)] = Math.exp(a.data[at(k)]! - max) / total;
    }
  }
  return { dims: [...a.dims], data: out };
}

/**
 * Normalises groups of `groupSize` consecutive elements (after the leading `outer` ones) to zero mean and
 * unit variance (biased variance, as ONNX specifies), then applies `scale[channel(k)]`/`bias[channel(k)]`.
 */
function normaliseGroups(
  a: ReferenceArray,
  groupSize: number,
  epsilon: number,
  affine: (groupIndex: number, offset: number) => [number, number],
): ReferenceArray {
  const out = new Float64Array(a.data.length);
  for (let group = 0; group * groupSize < a.data.length; group++) {
    const start = group * groupSize;
    let mean = 0;
    for (let k = 0; k < groupSize; k++) mean += a.data[start + k]!;
    mean /= groupSize;
    let variance = 0;
    for (let k = 0; k < groupSize; k++) variance += (a.data[start + k]! - mean) ** 2;
    variance /= groupSize;
    const inverse = 1 / Math.sqrt(variance + epsilon);
    for (let k = 0; k < groupSize; k++) {
      const [scale, shift] = affine(group, k);
      out[start + k] = (a.data[start + k]! - mean) * inverse * scale + shift;
    }
  }
  return { dims: [...a.dims], data: out };
}

/** ONNX LayerNormalization over the last axis with scale and bias of that axis's length. */
export function layerNormalization(
  a: ReferenceArray,
  scale: ReferenceArray,
  bias: ReferenceArray,
  epsilon: number,
): ReferenceArray {
  const length = a.dims.at(-1)!;
  return normaliseGroups(a, length, epsilon, (_group, offset) => [scale.data[offset]!, bias.data[offset]!]);
}

/** ONNX InstanceNormalization for [n, c, ...spatial] with per-channel scale and bias. */
export function instanceNormalization(
  a: ReferenceArray,
  scale: ReferenceArray,
  bias: ReferenceArray,
  epsilon: number,
): ReferenceArray {
  const channels = a.dims[1]!;
  const spatial = shapeSize(a.dims.slice(2));
  return normaliseGroups(a, spatial, epsilon, (group) => [
    scale.data[group % channels]!,
    bias.data[group % channels]!,
  ]);
}

/** ONNX Transpose. */
export function transpose(a: ReferenceArray, permutation: readonly number[]): ReferenceArray {
  const dims = permutation.map((axis) => a.dims[axis]!);
  const inStrides = shapeStrides(a.dims);
  const outStrides = shapeStrides(dims);
  const out = new Float64Array(a.data.length);
  for (let index = 0; index < out.length; index++) {
    let source = 0;
    for (let axis = 0; axis < dims.length; axis++) {
      const coordinate = Math.floor(index / outStrides[axis]!) % dims[axis]!;
      source += coordinate * inStrides[permutation[axis]!]!;
    }
    out[index] = a.data[source]!;
  }
  return { dims, data: out };
}

/**
 * ONNX Resize of the two trailing (spatial) axes by integer or fractional `scales` (N and C unscaled):
 * mode 'nearest' with coordinate transformation 'asymmetric' and nearest mode 'floor', or mode 'linear'
 * with 'half_pixel' (bilinear, edge-clamped).
 */
export function resize2d(
  a: ReferenceArray,
  scales: [number, number],
  mode: 'nearest' | 'linear',
): ReferenceArray {
  const [batch, channels, height, width] = a.dims as [number, number, number, number];
  const outHeight = Math.floor(height * scales[0]);
  const outWidth = Math.floor(width * scales[1]);
  const out = new Float64Array(batch * channels * outHeight * outWidth);
  const at = (plane: number, y: number, x: number) => a.data[(plane * height + y) * width + x]!;
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        let value: number;
        if (mode === 'nearest') {
          value = at(
            plane,
            Math.min(height - 1, Math.floor(oy / scales[0])),
            Math.min(width - 1, Math.floor(ox / scales[1])),
          );
        } else {
          const sy = Math.min(Math.max((oy + 0.5) / scales[0] - 0.5, 0), height - 1);
          const sx = Math.min(Math.max((ox + 0.5) / scales[1] - 0.5, 0), width - 1);
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const y1 = Math.min(y0 + 1, height - 1);
          const x1 = Math.min(x0 + 1, width - 1);
          const fy = sy - y0;
          const fx = sx - x0;
          value =
            at(plane, y0, x0) * (1 - fy) * (1 - fx) +
            at(plane, y0, x1) * (1 - fy) * fx +
            at(plane, y1, x0) * fy * (1 - fx) +
            at(plane, y1, x1) * fy * fx;
        }
        out[(plane * outHeight + oy) * outWidth + ox] = value;
      }
    }
  }
  return { dims: [batch, channels, outHeight, outWidth], data: out };
}

/** Mean over one axis, keeping it with length 1 (ONNX ReduceMean, keepdims=1). */
export function reduceMean(a: ReferenceArray, axis: number): ReferenceArray {
  const [outer, length, inner] = around(a.dims, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += a.data[(o * length + k) * inner + i]!;
      out[o * inner + i] = sum / length;
    }
  }
  const dims = [...a.dims];
  dims[axis < 0 ? axis + dims.length : axis] = 1;
  return { dims, data: out };
}

/** The error function (Abramowitz–Stegun 7.1.26 is too coarse; this uses a series/continued fraction). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const z = Math.abs(x);
  if (z < 2.5) {
    // Maclaurin series: erf(z) = 2/√π Σ (-1)^n z^(2n+1) / (n! (2n+1)).
    let term = z;
    let sum = z;
    for (let n = 1; n < 60; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }
  // Continued fraction for erfc at larger |z|.
  let fraction = 0;
  for (let k = 60; k >= 1; k--) {
    fraction = k / 2 / (z + fraction);
  }
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction);
  return sign * (1 - erfc);
}
