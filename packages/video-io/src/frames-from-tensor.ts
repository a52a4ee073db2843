/**
 * Conversions between tensors and `VideoFrames`: model output (`[b c f h w]`, float in [-1, 1]) to 8-bit
 * RGB with rounding and clamping, 8-bit `[f h w 3]` tensors to frames, and frames back to model input.
 */
import { float16ToFloat32, Tensor } from '@mav/tensor';
import { checkFps, VideoFrames } from './video-frames.js';

/** Options of `framesFromModelOutput`. */
export interface FramesFromModelOutputOptions {
  /** Model output `[b c f h w]`, float32 or float16, values in [-1, 1] (others are clamped). c is 3 or 1. */
  readonly tensor: Tensor;
  /** Frame rate of the clip. */
  readonly fps: number;
  /** Which batch item to take (default 0). */
  readonly batchIndex?: number;
}

/**
 * Turns diffusion-model output into frames. Each value `x` in [-1, 1] maps to
 * `round((clamp(x, -1, 1) + 1) * 127.5)`, so -1 → 0, 0 → 128 (127.5 rounds up), 1 → 255; NaN becomes 0.
 * A one-channel tensor becomes grey RGB. The tensor must be on the host (`await tensor.toHost()` first).
 */
export function framesFromModelOutput(options: FramesFromModelOutputOptions): VideoFrames {
  const { tensor, batchIndex = 0 } = options;
  const fps = checkFps(options.fps);
  if (!(tensor instanceof Tensor)) {
    throw new TypeError('tensor must be a @mav/tensor Tensor.');
  }
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'float16') {
    throw new TypeError(`tensor must be float32 or float16, got ${tensor.dtype}.`);
  }
  if (tensor.dims.length !== 5) {
    throw new RangeError(`tensor must have shape [b c f h w], got [${tensor.dims.join(', ')}].`);
  }
  const [batch, channels, numFrames, height, width] = tensor.dims as [number, number, number, number, number];
  if (channels !== 3 && channels !== 1) {
    throw new RangeError(`tensor must have 3 (RGB) or 1 (grey) channels, got c = ${channels}.`);
  }
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= batch) {
    throw new RangeError(`batchIndex must be an integer in [0, ${batch}), got ${batchIndex}.`);
  }
  const raw = tensor.data;
  const values = tensor.dtype === 'float16' ? float16ToFloat32(raw as Uint16Array) : (raw as Float32Array);
  const planeSize = height * width;
  const itemOffset = batchIndex * channels * numFrames * planeSize;
  const data = new Uint8Array(numFrames * planeSize * 3);
  // [c f h w] (one batch item) -> [f h w c]
  for (let frame = 0; frame < numFrames; frame++) {
    for (let pixel = 0; pixel < planeSize; pixel++) {
      const out = (frame * planeSize + pixel) * 3;
      for (let channel = 0; channel < 3; channel++) {
        const source = channels === 1 ? 0 : channel;
        const x = values[itemOffset + (source * numFrames + frame) * planeSize + pixel]!;
        data[out + channel] = toByte(x);
      }
    }
  }
  return new VideoFrames({ width, height, fps, data });
}

function toByte(x: number): number {
  if (!(x > -1)) {
    return 0; // also NaN
  }
  if (x >= 1) {
    return 255;
  }
  return Math.round((x + 1) * 127.5);
}

/** Options of `framesFromTensor`. */
export interface FramesFromTensorOptions {
  /** uint8 tensor `[f h w 3]` (packed RGB frames). */
  readonly tensor: Tensor;
  /** Frame rate of the clip. */
  readonly fps: number;
}

/** Wraps a uint8 `[f h w 3]` tensor as frames (copies the data). */
export function framesFromTensor(options: FramesFromTensorOptions): VideoFrames {
  const { tensor, fps } = options;
  if (!(tensor instanceof Tensor)) {
    throw new TypeError('tensor must be a @mav/tensor Tensor.');
  }
  if (tensor.dtype !== 'uint8') {
    throw new TypeError(
      `tensor must be uint8 [f h w 3], got ${tensor.dtype}; use framesFromModelOutput for float output.`,
    );
  }
  if (tensor.dims.length !== 4 || tensor.dims[3] !== 3) {
    throw new RangeError(`tensor must have shape [f h w 3], got [${tensor.dims.join(', ')}].`);
  }
  const [, height, width] = tensor.dims as [number, number, number, number];
  return new VideoFrames({ width, height, fps, data: new Uint8Array(tensor.data as Uint8Array) });
}

/**
 * The inverse of `framesFromModelOutput`: frames as a float32 `[1 3 f h w]` tensor with values
 * `byte / 127.5 - 1` in [-1, 1], ready as conditioning input (image animation, interpolation).
 */
export function framesToModelInput(frames: VideoFrames): Tensor<'float32'> {
  if (!(frames instanceof VideoFrames)) {
    throw new TypeError('frames must be a VideoFrames.');
  }
  const { width, height, numFrames } = frames;
  const planeSize = width * height;
  const values = new Float32Array(3 * numFrames * planeSize);
  // [f h w c] -> [c f h w]
  for (let frame = 0; frame < numFrames; frame++) {
    for (let pixel = 0; pixel < planeSize; pixel++) {
      const source = (frame * planeSize + pixel) * 3;
      for (let channel = 0; channel < 3; channel++) {
        values[(channel * numFrames + frame) * planeSize + pixel] =
          frames.data[source + channel]! / 127.5 - 1;
      }
    }
  }
  return new Tensor({ dtype: 'float32', dims: [1, 3, numFrames, height, width], data: values });
}
