import { Tensor } from '@mav/tensor';

/**
 * Which frames of the output video are given:
 * - `interpolation`: every given frame, `frameSkip` apart, from the first output frame to the last
 *   (F = (f − 1)·frameSkip + 1; 16 frames at skip 5 → 76 frames, known at 0, 5, …, 75);
 * - `extrapolation`: the given frames, `frameSkip` apart, at the start of a longer video of `numFrames`;
 * - `animation`: one given image as the first frame of a video of `numFrames`.
 */
export type MaskedFrameMode = 'interpolation' | 'extrapolation' | 'animation';

/** Options of `maskedFrameConditioning`. */
export interface MaskedFrameConditioningOptions {
  /** The known frames, `[b c f h w]` float32 (RGB: c = 3). 'animation' takes one frame (f = 1). */
  frames: Tensor<'float32'>;
  mode: MaskedFrameMode;
  /** Distance between known frames in output frames ('interpolation', 'extrapolation'). Default 1. */
  frameSkip?: number;
  /**
   * Output length. 'interpolation': (f − 1)·frameSkip + 1 (the only valid value; may be omitted);
   * 'extrapolation', 'animation': required, longer than the known span.
   */
  numFrames?: number;
}

/** The masked-frame inputs of the frame interpolation network ↑F. */
export interface MaskedFrameConditioning {
  /** `[b c F h w]`: the known frames at their positions, zeros elsewhere. */
  maskedFrames: Tensor<'float32'>;
  /** `[b 1 F h w]`: 1 at known frames, 0 elsewhere. */
  mask: Tensor<'float32'>;
  /** `[b (c + 1) F h w]`: masked frames then the mask along channels, the extra input channels of ↑F. */
  conditioning: Tensor<'float32'>;
  /** Output positions of the known frames, ascending. */
  knownFrames: readonly number[];
  /** F, the output length. */
  numFrames: number;
}

/**
 * Builds the masked-frame input of Make-A-Video's interpolation/extrapolation network (Singer et al. 2022,
 * §3.3): the known frames zero-padded to the output length, plus a binary mask channel saying which frames
 * are given. The same network then serves interpolation, extrapolation and image animation.
 */
export function maskedFrameConditioning(options: MaskedFrameConditioningOptions): MaskedFrameConditioning {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`maskedFrameConditioning options must be an object, got ${String(options)}.`);
  }
  const { frames, mode } = options;
  if (!(frames instanceof Tensor) || frames.dtype !== 'float32') {
    throw new TypeError('frames must be a float32 Tensor [b c f h w].');
  }
  if (frames.dims.length !== 5) {
    throw new RangeError(`frames must have shape [b c f h w], got ${frames.toString()}.`);
  }
  const [batch, channels, givenFrames, height, width] = frames.dims as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (givenFrames < 1) {
    throw new RangeError('frames must hold at least one frame.');
  }
  const frameSkip = options.frameSkip ?? 1;
  if (!Number.isSafeInteger(frameSkip) || frameSkip < 1) {
    throw new RangeError(`frameSkip must be a positive integer, got ${String(frameSkip)}.`);
  }
  const span = (givenFrames - 1) * frameSkip + 1;
  let numFrames: number;
  let knownFrames: number[];
  switch (mode) {
    case 'interpolation':
      if (options.numFrames !== undefined && options.numFrames !== span) {
        throw new RangeError(
          `numFrames for interpolation of ${givenFrames} frames at frameSkip ${frameSkip} is ${span}, got ${options.numFrames}.`,
        );
      }
      numFrames = span;
      knownFrames = Array.from({ length: givenFrames }, (_, index) => index * frameSkip);
      break;
    case 'extrapolation':
      numFrames = requireLongerThan(options.numFrames, span, mode);
      knownFrames = Array.from({ length: givenFrames }, (_, index) => index * frameSkip);
      break;
    case 'animation':
      if (givenFrames !== 1) {
        throw new RangeError(
          `animation takes one frame (f = 1), got ${givenFrames}; use 'extrapolation' for more.`,
        );
      }
      numFrames = requireLongerThan(options.numFrames, 1, mode);
      knownFrames = [0];
      break;
    default:
      throw new RangeError(
        `mode must be 'interpolation', 'extrapolation' or 'animation', got ${String(mode as unknown)}.`,
      );
  }

  const frameSize = height * width;
  const source = frames.data;
  const maskedFrames = new Tensor({ dtype: 'float32', dims: [batch, channels, numFrames, height, width] });
  const mask = new Tensor({ dtype: 'float32', dims: [batch, 1, numFrames, height, width] });
  const conditioning = new Tensor({
    dtype: 'float32',
    dims: [batch, channels + 1, numFrames, height, width],
  });
  for (let sample = 0; sample < batch; sample++) {
    for (let channel = 0; channel <= channels; channel++) {
      knownFrames.forEach((position, given) => {
        const outputOffset = ((sample * (channels + 1) + channel) * numFrames + position) * frameSize;
        if (channel === channels) {
          const maskOffset = (sample * numFrames + position) * frameSize;
          mask.data.fill(1, maskOffset, maskOffset + frameSize);
          conditioning.data.fill(1, outputOffset, outputOffset + frameSize);
          return;
        }
        const inputOffset = ((sample * channels + channel) * givenFrames + given) * frameSize;
        const frame = source.subarray(inputOffset, inputOffset + frameSize);
        maskedFrames.data.set(frame, ((sample * channels + channel) * numFrames + position) * frameSize);
        conditioning.data.set(frame, outputOffset);
      });
    }
  }
  return { maskedFrames, mask, conditioning, knownFrames, numFrames };
}

function requireLongerThan(numFrames: number | undefined, span: number, mode: MaskedFrameMode): number {
  if (numFrames === undefined) {
    throw new TypeError(`numFrames is required for ${mode}.`);
  }
  if (!Number.isSafeInteger(numFrames) || numFrames <= span) {
    throw new RangeError(`numFrames for ${mode} must be an integer greater than ${span}, got ${numFrames}.`);
  }
  return numFrames;
}

/**
 * The video as its known frames alone tell it: `frames [b c F h w]` holds the known frames at
 * `knownFrames` (ascending output positions; what lies elsewhere is ignored). Every other frame is the linear
 * blend of its nearest known neighbours by position, the first known frame is held before it and the last one
 * after it (so animation holds its one frame, extrapolation its last). The interpolation network of a
 * manifest with `residual: 'blended-known-frames'` samples its output's residual over this.
 */
export function blendKnownFrames(
  frames: Tensor<'float32'>,
  knownFrames: readonly number[],
): Tensor<'float32'> {
  if (!(frames instanceof Tensor) || frames.dtype !== 'float32' || frames.dims.length !== 5) {
    throw new TypeError('frames must be a float32 Tensor [b c F h w].');
  }
  const [batch, channels, numFrames, height, width] = frames.dims as [number, number, number, number, number];
  if (knownFrames.length === 0) throw new RangeError('knownFrames must name at least one frame.');
  knownFrames.forEach((position, index) => {
    if (!Number.isSafeInteger(position) || position < 0 || position >= numFrames) {
      throw new RangeError(`knownFrames must be frame positions in [0, ${numFrames}), got ${position}.`);
    }
    if (index > 0 && position <= knownFrames[index - 1]!) {
      throw new RangeError(`knownFrames must be ascending, got ${knownFrames.join(', ')}.`);
    }
  });
  const plane = height * width;
  const out = new Tensor({ dtype: 'float32', dims: frames.dims });
  const source = frames.data;
  for (let frame = 0; frame < numFrames; frame++) {
    const after = knownFrames.find((position) => position >= frame);
    const before = knownFrames.reduce<number | undefined>(
      (last, position) => (position <= frame ? position : last),
      undefined,
    );
    // Held before the first known frame and after the last; blended between two.
    const left = before ?? after!;
    const right = after ?? before!;
    const weight = left === right ? 0 : (frame - left) / (right - left);
    for (let row = 0; row < batch * channels; row++) {
      const base = row * numFrames * plane;
      const target = base + frame * plane;
      const from = base + left * plane;
      const to = base + right * plane;
      for (let pixel = 0; pixel < plane; pixel++) {
        out.data[target + pixel] = (1 - weight) * source[from + pixel]! + weight * source[to + pixel]!;
      }
    }
  }
  return out;
}
