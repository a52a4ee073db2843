import type { UNetConfig } from './unet-config.js';

/**
 * A ~2M-parameter pseudo-3D text/image-conditioned UNet for 16 frames of 32×32 RGB: the size the project's
 * embedded default decoder is trained at, and the size `ENVIRONMENT.md`'s timings were measured at.
 */
export const smallVideoUNetConfig: UNetConfig = {
  inChannels: 3,
  outChannels: 3,
  sampleSize: 32,
  baseChannels: 32,
  channelMultipliers: [1, 2, 2, 2],
  resBlocksPerLevel: 1,
  attentionLevels: [2, 3],
  attentionHeads: 4,
  normGroups: 8,
  temporalLayers: true,
  fpsConditioning: true,
  conditioning: { vectorDim: 64 },
};
