import type { Tensor } from '@mav/tensor';
import { requireStage, StageComponent, type UNetStageOptions } from './stage-context.js';
import { sampleUNet, type UNetConditioning, zeros } from './unet-diffusion.js';

/** Options of `DecoderStage.sample`. */
export interface DecoderSampleOptions extends UNetStageOptions {
  /** Frame-rate conditioning. Default: the manifest's. */
  fps?: number | undefined;
  /** Default: the manifest's `numFrames` (16). */
  numFrames?: number | undefined;
}

/**
 * The spatiotemporal decoder D^t: (y_e, fps) → `[1 3 F r r]` keyframes in [−1, 1] (F = 16, r = 64 in the paper).
 * Classifier-free guidance uses a zero image embedding (and the empty prompt's tokens) as the null condition
 * (the manifest's `unconditionalVector: 'zeros'`). The sampling loop itself is `sampleUNet`
 * (`unet-diffusion.ts`), which runs `denoise` of `@mav/diffusion`.
 */
export class DecoderStage extends StageComponent {
  async sample(options: DecoderSampleOptions): Promise<Tensor<'float32'>> {
    const entry = requireStage(this.context.manifest, 'decoder');
    const numFrames = options.numFrames ?? entry.numFrames;
    const resolution = entry.resolution;
    const conditional: UNetConditioning = { vector: options.imageEmbedding, tokens: options.textTokens };
    const unconditional: UNetConditioning = {
      vector: zeros(options.imageEmbedding.dims),
      tokens: options.emptyTokens,
    };
    return sampleUNet(this.context, {
      ...options,
      stage: 'decoder',
      network: entry.network,
      entry,
      dims: [1, 3, numFrames, resolution, resolution],
      conditional,
      unconditional,
      fps: options.fps ?? entry.fps.default,
    });
  }
}
