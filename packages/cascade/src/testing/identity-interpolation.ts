import { initUNetWeights, type UNetConfig } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';

/**
 * The interpolation network config `identityInterpolationWeights` works with: 8 base channels in ONE norm
 * group, two levels, frame conditioning (masked frames + mask), fps and a conditioning vector of `vectorDim`.
 */
export function identityInterpolationConfig(vectorDim: number, sampleSize: number): UNetConfig {
  return {
    inChannels: 3,
    outChannels: 3,
    sampleSize,
    baseChannels: 8,
    channelMultipliers: [1, 2],
    resBlocksPerLevel: 1,
    attentionLevels: [1],
    attentionHeads: 2,
    normGroups: 1,
    temporalLayers: true,
    fpsConditioning: true,
    frameConditioningChannels: 4,
    conditioning: { vectorDim },
  };
}

/**
 * Weights that make the interpolation UNet (of `identityInterpolationConfig`) output its masked-frames input —
 * the known frames in place, zeros elsewhere — whatever the noisy sample, so that with x_0 prediction the
 * sampler returns the known frames. It is the network, not the cascade's copy-back, that keeps them:
 *
 * - `conv_in` copies the masked frames to channels 0–2, their negation to 3–5, and writes constants +K, −K
 *   to channels 6–7 (so `conv_norm_out`, one group, sees mean 0 and variance ≈ K²/4 in every frame);
 * - every level-0 res block adds zero (`conv2` = 0); the level-0 up-block res blocks' `conv_shortcut`s pick
 *   the skip (conv_in's output) and drop the deeper path;
 * - `conv_norm_out` scales channels 0–2 by K/2 (undoing the normalisation up to a relative error of
 *   Σ mean(v²)/2K²) and shifts them by +20, where SiLU is the identity to 1e-8; `conv_out` takes them back
 *   with bias −20.
 */
export function identityInterpolationWeights(
  config: UNetConfig,
  seed: number,
): Record<string, Tensor<'float32'>> {
  const K = 300;
  const shift = 20;
  const weights = initUNetWeights({ config, seed });
  const set = (name: string, fill: (tensor: Tensor<'float32'>) => void) => {
    const tensor = weights[name];
    if (tensor === undefined) throw new RangeError(`identity interpolation weights: no parameter '${name}'.`);
    tensor.data.fill(0);
    fill(tensor);
  };
  const centre = (tensor: Tensor<'float32'>, out: number, input: number, value: number) => {
    const [, inChannels] = tensor.dims as [number, number, number, number];
    tensor.data[((out * inChannels + input) * 3 + 1) * 3 + 1] = value;
  };
  // conv_in: input channels [sample 0–2, masked frames 3–5, mask 6].
  set('conv_in.weight', (tensor) => {
    for (let channel = 0; channel < 3; channel++) {
      centre(tensor, channel, 3 + channel, 1);
      centre(tensor, 3 + channel, 3 + channel, -1);
    }
  });
  set('conv_in.bias', (tensor) => {
    tensor.data[6] = K;
    tensor.data[7] = -K;
  });
  for (const name of Object.keys(weights)) {
    if (/^(down_blocks\.0|up_blocks\.1)\.resnets\.\d+\.conv2\.(weight|bias)$/.test(name)) set(name, () => {});
  }
  for (const resnet of [0, 1]) {
    set(`up_blocks.1.resnets.${resnet}.conv_shortcut.weight`, (tensor) => {
      const [outChannels, inChannels] = tensor.dims as [number, number];
      const skipStart = inChannels - outChannels;
      for (let channel = 0; channel < outChannels; channel++)
        tensor.data[channel * inChannels + skipStart + channel] = 1;
    });
    set(`up_blocks.1.resnets.${resnet}.conv_shortcut.bias`, () => {});
  }
  set('conv_norm_out.weight', (tensor) => tensor.data.fill(K / 2, 0, 3));
  set('conv_norm_out.bias', (tensor) => tensor.data.fill(shift, 0, 3));
  set('conv_out.weight', (tensor) => {
    for (let channel = 0; channel < 3; channel++) centre(tensor, channel, channel, 1);
  });
  set('conv_out.bias', (tensor) => tensor.data.fill(-shift));
  return weights;
}
