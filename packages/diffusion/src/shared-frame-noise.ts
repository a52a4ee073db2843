import { RandomStream, type RandomStreamOptions, Tensor } from '@mav/tensor';

/** Options of `sharedFrameNoise`. */
export interface SharedFrameNoiseOptions extends RandomStreamOptions {
  /** Shape of the noise, e.g. `[b c f h w]`. */
  dims: readonly number[];
  /** The frame axis, along which the noise repeats. Default 2 (`[b c f h w]`). */
  frameAxis?: number;
}

/**
 * Standard normal noise that is the same for every frame: one field of shape `dims` with the frame axis
 * removed, repeated along it. Make-A-Video's per-frame super-resolution SR_h starts every frame from this
 * shared noise so that its hallucinated detail stays consistent across frames (Singer et al. 2022, §3.4).
 * Values come from `RandomStream(seed, stream)` in the order of the frame-less field.
 */
export function sharedFrameNoise(options: SharedFrameNoiseOptions): Tensor<'float32'> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`sharedFrameNoise options must be an object, got ${String(options)}.`);
  }
  const output = new Tensor({ dtype: 'float32', dims: options.dims });
  const dims = output.dims;
  const frameAxis = options.frameAxis ?? 2;
  if (!Number.isSafeInteger(frameAxis) || frameAxis < 0 || frameAxis >= dims.length) {
    throw new RangeError(
      `frameAxis must be an axis of dims ${JSON.stringify(dims)}, got ${String(frameAxis)}.`,
    );
  }
  // [outer f inner] -> one [outer inner] field, copied to every f.
  const numFrames = dims[frameAxis]!;
  const outer = dims.slice(0, frameAxis).reduce((product, dim) => product * dim, 1);
  const inner = dims.slice(frameAxis + 1).reduce((product, dim) => product * dim, 1);
  const field = new RandomStream(options).normal(outer * inner);
  for (let block = 0; block < outer; block++) {
    const values = field.subarray(block * inner, (block + 1) * inner);
    for (let frame = 0; frame < numFrames; frame++) {
      output.data.set(values, (block * numFrames + frame) * inner);
    }
  }
  return output;
}
