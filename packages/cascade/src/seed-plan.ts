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
} as const satisfies Record<string, number>;

const stageIndex: Record<StageName, bigint> = {
  textEncoder: 0n,
  imageEncoder: 1n,
  prior: 2n,
  decoder: 3n,
  interpolation: 4n,
  superResolutionLow: 5n,
  superResolutionHigh: 6n,
  imageDecoder: 7n,
};
const stageCount = 8n;
const purposeCount = 4n;

/**
 * Where a stage of a run draws its noise: the run's seed is the Philox key as given, and the stream id is
 * `streamOffset + purpose` with `streamOffset = 4 · (8 · variation + stage index)`, so distinct (seed, stage,
 * variation, purpose) never share a stream (variation 0 is the run itself, 1 … n its variations).
 */
export function stageRandomness(options: { seed: number; stage: StageName; variation: number }): {
  seed: bigint;
  streamOffset: bigint;
} {
  const { seed, variation } = options;
  if (!Number.isSafeInteger(variation) || variation < 0) {
    throw new RangeError(`variation must be a non-negative integer, got ${String(variation)}.`);
  }
  return {
    seed: BigInt(seed),
    streamOffset: (BigInt(variation) * stageCount + stageIndex[options.stage]) * purposeCount,
  };
}
