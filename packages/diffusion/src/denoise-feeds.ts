import { float16ToFloat32, float32ToFloat16, Tensor } from '@mav/tensor';
import type { DenoisingModelCall } from './denoising-model.js';

// The tensors `denoise` feeds the model each step, and how it reads the prediction back.

/** The tensors one scope created (a run, a step), disposed together. */
export class TensorScope {
  readonly #tensors: Tensor[] = [];

  /** Keeps `tensor` for `dispose` and returns it. */
  track<T extends Tensor>(tensor: T): T {
    this.#tensors.push(tensor);
    return tensor;
  }

  /** Disposes every tracked tensor. */
  dispose(): void {
    for (const tensor of this.#tensors) tensor.dispose();
    this.#tensors.length = 0;
  }
}

/** The prediction as float32 on the host (float16 outputs are widened). */
export async function readFloat(tensor: Tensor): Promise<Float32Array> {
  const data = await tensor.getData();
  if (tensor.dtype === 'float32') return (data as Float32Array).slice();
  if (tensor.dtype === 'float16') return float16ToFloat32(data as Uint16Array);
  throw new TypeError(`The model prediction must be float32 or float16, got ${tensor.toString()}.`);
}

/** The sample fed to the model: with the extra channels appended, doubled for guidance, in its dtype. */
export function sampleTensor(
  modelInput: Float32Array,
  dims: readonly number[],
  concatenation: Tensor<'float32'> | undefined,
  extraChannels: number,
  duplicate: boolean,
  dtype: 'float32' | 'float16' | undefined,
): Tensor {
  let data = modelInput;
  let inputDims = [...dims];
  if (concatenation) {
    // [b C …] + [b K …] -> [b (C + K) …]
    const batch = dims[0]!;
    const sampleRow = modelInput.length / batch;
    const extraRow = concatenation.size / batch;
    data = new Float32Array(modelInput.length + concatenation.size);
    for (let row = 0; row < batch; row++) {
      data.set(modelInput.subarray(row * sampleRow, (row + 1) * sampleRow), row * (sampleRow + extraRow));
      data.set(
        concatenation.data.subarray(row * extraRow, (row + 1) * extraRow),
        row * (sampleRow + extraRow) + sampleRow,
      );
    }
    inputDims = [dims[0]!, dims[1]! + extraChannels, ...dims.slice(2)];
  }
  if (duplicate) {
    // [b …] -> [2b …]: the same sample for the unconditional and the conditional pass.
    const doubled = new Float32Array(data.length * 2);
    doubled.set(data, 0);
    doubled.set(data, data.length);
    data = doubled;
    inputDims[0] = inputDims[0]! * 2;
  }
  if (dtype === 'float16') {
    return new Tensor({ dtype: 'float16', dims: inputDims, data: float32ToFloat16(data) });
  }
  return new Tensor({ dtype: 'float32', dims: inputDims, data: data === modelInput ? data.slice() : data });
}

/** The timestep input of one step, in the dtype and shape the model declares. */
export function timestepTensor(timestep: number, modelBatch: number, model: DenoisingModelCall): Tensor {
  const { dtype, shape = 'batch' } = model.timestepInput;
  const count = shape === 'scalar' ? 1 : modelBatch;
  const dims = shape === 'scalar' ? [] : [modelBatch];
  switch (dtype) {
    case 'float32':
      return new Tensor({ dtype, dims, data: new Float32Array(count).fill(timestep) });
    case 'float16':
      return new Tensor({ dtype, dims, data: float32ToFloat16(new Float32Array(count).fill(timestep)) });
    case 'int32':
      return new Tensor({ dtype, dims, data: new Int32Array(count).fill(Math.round(timestep)) });
    case 'int64':
      return new Tensor({ dtype, dims, data: new BigInt64Array(count).fill(BigInt(Math.round(timestep))) });
    default:
      throw new RangeError(
        `model.timestepInput.dtype must be float32, float16, int32 or int64, got ${String(dtype as unknown)}.`,
      );
  }
}
