import { RandomStream, type RandomStreamOptions, Tensor } from '@mav/tensor';
import { alphasCumulativeProduct, betaSchedule } from './noise-schedule.js';

/** Options of `augmentWithNoise`. */
export interface NoiseAugmentationOptions extends RandomStreamOptions {
  /** The low-resolution conditioning, float32 `[b …]`. */
  sample: Tensor<'float32'>;
  /** Augmentation level: an integer timestep of the augmentation schedule, in [0, T). */
  noiseLevel: number;
  /**
   * ᾱ of the augmentation schedule. Default: linear β from 1e-4 to 0.02 over 1000 steps (the low-resolution
   * scheduler of diffusers' Stable Diffusion upscaler).
   */
  alphasCumulative?: Float64Array;
}

/** What `augmentWithNoise` returns. */
export interface NoiseAugmentation {
  /** √ᾱ_l · sample + √(1 − ᾱ_l) · ε, same shape as the input. */
  sample: Tensor<'float32'>;
  /** The level l, to condition the super-resolution model on. */
  noiseLevel: number;
  /** The level as an int64 `[b]` tensor, one per sample (the model's noise-level / class-label feed). */
  noiseLevelTensor: Tensor<'int64'>;
}

let defaultAlphasCumulative: Float64Array | undefined;

/**
 * Noise conditioning augmentation of a cascade's low-resolution input (Ho et al. 2022, "Cascaded Diffusion
 * Models for High Fidelity Image Generation", §3.2; used by Make-A-Video's SR stages): the conditioning is
 * noised with the forward process to level l, x_l = √ᾱ_l x + √(1 − ᾱ_l) ε, and the model is told l so that
 * it learns to ignore artefacts of the stage before. Noise comes from `RandomStream(seed, stream)`.
 */
export function augmentWithNoise(options: NoiseAugmentationOptions): NoiseAugmentation {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`augmentWithNoise options must be an object, got ${String(options)}.`);
  }
  const { sample, noiseLevel } = options;
  if (!(sample instanceof Tensor) || sample.dtype !== 'float32' || sample.dims.length === 0) {
    throw new TypeError('sample must be a float32 Tensor with a batch axis.');
  }
  defaultAlphasCumulative ??= alphasCumulativeProduct(betaSchedule({ kind: 'linear' }));
  const alphasCumulative = options.alphasCumulative ?? defaultAlphasCumulative;
  if (!Number.isSafeInteger(noiseLevel) || noiseLevel < 0 || noiseLevel >= alphasCumulative.length) {
    throw new RangeError(
      `noiseLevel must be an integer in [0, ${alphasCumulative.length}), got ${String(noiseLevel)}.`,
    );
  }
  const alphaCumulative = alphasCumulative[noiseLevel]!;
  const signal = Math.sqrt(alphaCumulative);
  const noiseScale = Math.sqrt(1 - alphaCumulative);
  const noise = new RandomStream(options).normal(sample.size);
  const source = sample.data;
  const augmented = new Tensor({ dtype: 'float32', dims: sample.dims });
  for (let index = 0; index < sample.size; index++) {
    augmented.data[index] = signal * source[index]! + noiseScale * noise[index]!;
  }
  const batch = sample.dims[0]!;
  return {
    sample: augmented,
    noiseLevel,
    noiseLevelTensor: new Tensor({
      dtype: 'int64',
      dims: [batch],
      data: new BigInt64Array(batch).fill(BigInt(noiseLevel)),
    }),
  };
}
