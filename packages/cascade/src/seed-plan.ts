import { denoiseStreams } from '@mav/diffusion';
import type { StageName } from './manifest/manifest-schema.js';

/**
 * Random stream ids a stage draws from under its seed: the sampling loop's two (`denoiseStreams` of
 * @mav/diffusion: initial noise, step noise), the super-resolution input augmentation, and SR_h's one noise
 * field shared by every frame.
 */
export const stageStreams = {
  ...denoiseStreams,
  augmentation: 2,
  sharedFrameNoise: 3,
} as const;

const stageOffsets: Record<StageName, bigint> = {
  textEncoder: 0n,
  imageEncoder: 1n,
  prior: 2n,
  decoder: 3n,
  interpolation: 4n,
  superResolutionLow: 5n,
  superResolutionHigh: 6n,
  imageDecoder: 7n,
};

/** Which seed a stage of a run samples with: from the run's seed, the stage and the variation (0: none). */
export function stageSeed(options: { seed: number; stage: StageName; variation: number }): bigint {
  const variationOffset = options.variation === 0 ? 0n : BigInt(options.variation) * 1024n;
  return (BigInt(options.seed) << 8n) + variationOffset + stageOffsets[options.stage];
}
