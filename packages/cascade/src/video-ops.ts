import { Tensor } from '@mav/tensor';

/**
 * Bilinear resize of the last two axes (`[... h w] -> [... height width]`), half-pixel centres, edge clamp, no
 * antialiasing: PyTorch's `F.interpolate(x, size, mode='bilinear', align_corners=False, antialias=False)`.
 * The super-resolution stages get their `low_res_sample` upsampled with it (the trainer must do the same).
 */
export function resizeBilinear(input: Tensor<'float32'>, height: number, width: number): Tensor<'float32'> {
  const dims = input.dims;
  const inHeight = dims.at(-2)!;
  const inWidth = dims.at(-1)!;
  if (inHeight === height && inWidth === width)
    return new Tensor({ dtype: 'float32', dims, data: input.data.slice() });
  const planes = input.size / (inHeight * inWidth);
  const output = new Tensor({ dtype: 'float32', dims: [...dims.slice(0, -2), height, width] });
  const axis = (outSize: number, inSize: number) =>
    Array.from({ length: outSize }, (_, index) => {
      const source = Math.max((index + 0.5) * (inSize / outSize) - 0.5, 0);
      const low = Math.min(Math.floor(source), inSize - 1);
      const high = Math.min(low + 1, inSize - 1);
      return { low, high, weight: source - low };
    });
  const rows = axis(height, inHeight);
  const columns = axis(width, inWidth);
  const source = input.data;
  for (let plane = 0; plane < planes; plane++) {
    const inOffset = plane * inHeight * inWidth;
    const outOffset = plane * height * width;
    for (let y = 0; y < height; y++) {
      const row = rows[y]!;
      for (let x = 0; x < width; x++) {
        const column = columns[x]!;
        const top =
          source[inOffset + row.low * inWidth + column.low]! * (1 - column.weight) +
          source[inOffset + row.low * inWidth + column.high]! * column.weight;
        const bottom =
          source[inOffset + row.high * inWidth + column.low]! * (1 - column.weight) +
          source[inOffset + row.high * inWidth + column.high]! * column.weight;
        output.data[outOffset + y * width + x] = top * (1 - row.weight) + bottom * row.weight;
      }
    }
  }
  return output;
}

/** `[b m n plane] -> [b n m plane]`: swaps two axes of planes (channels and frames). */
function swapPlaneAxes(
  data: Float32Array,
  axes: { batch: number; first: number; second: number; plane: number },
): Float32Array {
  const { batch, first, second, plane } = axes;
  const output = new Float32Array(data.length);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < first; i++)
      for (let j = 0; j < second; j++) {
        const from = ((b * first + i) * second + j) * plane;
        output.set(data.subarray(from, from + plane), ((b * second + j) * first + i) * plane);
      }
  return output;
}

/** `[b c f h w] -> [(b f) c 1 h w]`: frames into the batch (per-frame super-resolution). */
export function framesToBatch(video: Tensor<'float32'>): Tensor<'float32'> {
  const [batch, channels, frames, height, width] = video.dims as [number, number, number, number, number];
  const data = swapPlaneAxes(video.data, { batch, first: channels, second: frames, plane: height * width });
  return new Tensor({ dtype: 'float32', dims: [batch * frames, channels, 1, height, width], data });
}

/** `[(b f) c 1 h w] -> [b c f h w]`, the inverse of `framesToBatch`. */
export function batchToFrames(batched: Tensor<'float32'>, batch: number): Tensor<'float32'> {
  const [rows, channels, , height, width] = batched.dims as [number, number, number, number, number];
  const frames = rows / batch;
  const data = swapPlaneAxes(batched.data, { batch, first: frames, second: channels, plane: height * width });
  return new Tensor({ dtype: 'float32', dims: [batch, channels, frames, height, width], data });
}

/** Frames `[start, start + count)` of `[1 c f h w]` → `[1 c count h w]` (indices may repeat via `indices`). */
export function selectFrames(video: Tensor<'float32'>, indices: readonly number[]): Tensor<'float32'> {
  const [batch, channels, frames, height, width] = video.dims as [number, number, number, number, number];
  const plane = height * width;
  const output = new Tensor({ dtype: 'float32', dims: [batch, channels, indices.length, height, width] });
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < channels; c++)
      indices.forEach((frame, index) => {
        const from = ((b * channels + c) * frames + frame) * plane;
        output.data.set(
          video.data.subarray(from, from + plane),
          ((b * channels + c) * indices.length + index) * plane,
        );
      });
  return output;
}

/** Stacks `[1 …]` tensors along the batch axis → `[n …]`. */
export function stackBatch(tensors: readonly Tensor<'float32'>[]): Tensor<'float32'> {
  const first = tensors[0]!;
  const output = new Tensor({
    dtype: 'float32',
    dims: [tensors.length * first.dims[0]!, ...first.dims.slice(1)],
  });
  tensors.forEach((tensor, index) => {
    output.data.set(tensor.data, index * first.size);
  });
  return output;
}

/** Row `index` of a batch `[n …]` → `[1 …]`. */
export function batchRow(tensor: Tensor<'float32'>, index: number): Tensor<'float32'> {
  const rowSize = tensor.size / tensor.dims[0]!;
  return new Tensor({
    dtype: 'float32',
    dims: [1, ...tensor.dims.slice(1)],
    data: tensor.data.slice(index * rowSize, (index + 1) * rowSize),
  });
}

/** An image `[1 3 h w]` as a one-frame video `[1 3 1 h w]` (same data). */
export function imageAsVideo(image: Tensor<'float32'>): Tensor<'float32'> {
  const [batch, channels, height, width] = image.dims as [number, number, number, number];
  return new Tensor({
    dtype: 'float32',
    dims: [batch, channels, 1, height, width],
    data: image.data.slice(),
  });
}

/** A tensor of `value` repeated: `[rows …dims]`. */
export function repeatRows(tensor: Tensor<'float32'>, rows: number): Tensor<'float32'> {
  const output = new Tensor({ dtype: 'float32', dims: [rows, ...tensor.dims.slice(1)] });
  for (let row = 0; row < rows; row++)
    output.data.set(tensor.data.subarray(0, tensor.size / tensor.dims[0]!), row * (output.size / rows));
  return output;
}

/** Clamps values to [−1, 1] in place and returns the tensor. */
export function clampUnit(tensor: Tensor<'float32'>): Tensor<'float32'> {
  for (let index = 0; index < tensor.size; index++) {
    const value = tensor.data[index]!;
    tensor.data[index] = Math.max(-1, Math.min(value, 1));
  }
  return tensor;
}

/** The mean of the rows of `[b D]` as `[1 D]` (e.g. the embedding between two images). */
export function meanRows(tensor: Tensor<'float32'>): Tensor<'float32'> {
  const [rows, dim] = tensor.dims as [number, number];
  const mean = new Tensor({ dtype: 'float32', dims: [1, dim] });
  for (let index = 0; index < dim; index++) {
    let sum = 0;
    for (let row = 0; row < rows; row++) sum += tensor.data[row * dim + index]!;
    mean.data[index] = sum / rows;
  }
  return mean;
}

/** Images `[1 3 h w]` (same size) as the frames of one video: `[1 3 h w] × k -> [1 3 k h w]`. */
export function stackFrames(images: readonly Tensor<'float32'>[]): Tensor<'float32'> {
  const [, channels, height, width] = images[0]!.dims as [number, number, number, number];
  const count = images.length;
  const plane = height * width;
  const video = new Tensor({ dtype: 'float32', dims: [1, channels, count, height, width] });
  images.forEach((image, frame) => {
    for (let channel = 0; channel < channels; channel++) {
      video.data.set(
        image.data.subarray(channel * plane, (channel + 1) * plane),
        (channel * count + frame) * plane,
      );
    }
  });
  return video;
}

/**
 * Frames an extrapolation makes by default: the given ones plus half the decoder's keyframes (at least 1),
 * rounded up to a count ↑F's windows of `windowKeyframes` keyframes tile (k·(windowKeyframes − 1) + 1).
 */
export function extrapolatedFrameCount(given: number, keyframes: number, windowKeyframes = 2): number {
  let count = given + Math.max(1, Math.floor(keyframes / 2));
  while (!windowsTile(count, windowKeyframes)) count++;
  return count;
}

/**
 * Whether ↑F's windows of `windowKeyframes` known frames, neighbours sharing one, tile `keyframes`
 * keyframes: k·(windowKeyframes − 1) + 1 of them, at least one window.
 */
export function windowsTile(keyframes: number, windowKeyframes: number): boolean {
  return keyframes >= windowKeyframes && (keyframes - 1) % (windowKeyframes - 1) === 0;
}
