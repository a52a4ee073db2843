import { Tensor } from '@mav/tensor';

/** Options of `applyClassifierFreeGuidance`. */
export interface ClassifierFreeGuidanceOptions {
  /** The model's output with the conditioning (text / image embedding). */
  conditional: Float32Array;
  /** The model's output with the null conditioning; same length. */
  unconditional: Float32Array;
  /** Guidance scale w: 1 is the conditional output, 0 the unconditional, > 1 extrapolates past it. */
  guidanceScale: number;
  /**
   * Guidance rescale φ in [0, 1]: blends the guided output with a copy rescaled to the conditional
   * output's standard deviation (fixes over-exposure at high w). Default 0 (off).
   */
  guidanceRescale?: number;
  /** Number of samples in the batch; the rescale uses each sample's own standard deviation. Default 1. */
  batchSize?: number;
}

/**
 * Classifier-free guidance (Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", eq. 6), in the
 * diffusers form:
 *
 *     ε̃ = ε_u + w (ε_c − ε_u)
 *
 * and, with φ > 0, the rescale of Lin et al. 2024 ("Common Diffusion Noise Schedules and Sample Steps
 * Are Flawed", eq. 15–16), per sample: ε̃ ← φ · ε̃ · std(ε_c)/std(ε̃) + (1 − φ) ε̃.
 *
 * Computed in float64 per element, so identical inputs give back the input and w = 1 gives exactly the
 * conditional output.
 */
export function applyClassifierFreeGuidance(options: ClassifierFreeGuidanceOptions): Float32Array {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`guidance options must be an object, got ${String(options)}.`);
  }
  const { conditional, unconditional, guidanceScale } = options;
  if (!(conditional instanceof Float32Array) || !(unconditional instanceof Float32Array)) {
    throw new TypeError('conditional and unconditional must be Float32Arrays.');
  }
  if (conditional.length !== unconditional.length) {
    throw new RangeError(
      `unconditional has ${unconditional.length} elements but conditional has ${conditional.length}.`,
    );
  }
  if (typeof guidanceScale !== 'number' || !Number.isFinite(guidanceScale)) {
    throw new TypeError(`guidanceScale must be a finite number, got ${String(guidanceScale)}.`);
  }
  const guidanceRescale = options.guidanceRescale ?? 0;
  if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) {
    throw new RangeError(`guidanceRescale must be in [0, 1], got ${String(guidanceRescale)}.`);
  }
  const batchSize = options.batchSize ?? 1;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || conditional.length % batchSize !== 0) {
    throw new RangeError(`batchSize must be a positive divisor of ${conditional.length}, got ${batchSize}.`);
  }

  const guided = new Float32Array(conditional.length);
  for (let index = 0; index < guided.length; index++) {
    const uncond = unconditional[index]!;
    guided[index] = uncond + guidanceScale * (conditional[index]! - uncond);
  }
  if (guidanceRescale === 0) {
    return guided;
  }
  const perSample = conditional.length / batchSize;
  for (let sample = 0; sample < batchSize; sample++) {
    const start = sample * perSample;
    const end = start + perSample;
    const ratio = standardDeviation(conditional, start, end) / standardDeviation(guided, start, end);
    if (!Number.isFinite(ratio)) continue; // a constant guided output has nothing to rescale
    for (let index = start; index < end; index++) {
      const value = guided[index]!;
      guided[index] = guidanceRescale * value * ratio + (1 - guidanceRescale) * value;
    }
  }
  return guided;
}

function standardDeviation(values: Float32Array, start: number, end: number): number {
  let mean = 0;
  for (let index = start; index < end; index++) mean += values[index]!;
  mean /= end - start;
  let sumSquares = 0;
  for (let index = start; index < end; index++) sumSquares += (values[index]! - mean) ** 2;
  return Math.sqrt(sumSquares / Math.max(end - start - 1, 1));
}

/**
 * Stacks two host tensors of the same dtype and trailing shape along axis 0: `[b …] + [b' …] → [(b + b') …]`.
 * The classifier-free guidance batch is `concatenateBatch(unconditional, conditional)` (diffusers' order).
 */
export function concatenateBatch(first: Tensor<'float32'>, second: Tensor<'float32'>): Tensor<'float32'>;
export function concatenateBatch(first: Tensor, second: Tensor): Tensor;
export function concatenateBatch(first: Tensor, second: Tensor): Tensor {
  if (first.dtype !== second.dtype) {
    throw new TypeError(`Cannot concatenate a ${first.dtype} tensor with a ${second.dtype} tensor.`);
  }
  const trailing = (tensor: Tensor) => tensor.dims.slice(1).join(',');
  if (
    first.dims.length === 0 ||
    trailing(first) !== trailing(second) ||
    first.dims.length !== second.dims.length
  ) {
    throw new RangeError(
      `Cannot concatenate ${first.toString()} and ${second.toString()} along axis 0: shapes after the batch axis differ.`,
    );
  }
  const data = first.data;
  const combined = new (data.constructor as new (length: number) => typeof data)(first.size + second.size);
  (combined as Float32Array).set(first.data as Float32Array, 0);
  (combined as Float32Array).set(second.data as Float32Array, first.size);
  return new Tensor({
    dtype: first.dtype,
    dims: [first.dims[0]! + second.dims[0]!, ...first.dims.slice(1)],
    data: combined as never,
  });
}

/**
 * Splits the model output of a guidance batch `[2b …]` into its unconditional (first b) and conditional
 * (last b) halves, as views of `output` (no copy).
 */
export function splitGuidanceBatch(output: Float32Array): {
  unconditional: Float32Array;
  conditional: Float32Array;
} {
  if (output.length % 2 !== 0) {
    throw new RangeError(`A guidance batch has an even number of elements, got ${output.length}.`);
  }
  const half = output.length / 2;
  return { unconditional: output.subarray(0, half), conditional: output.subarray(half) };
}
