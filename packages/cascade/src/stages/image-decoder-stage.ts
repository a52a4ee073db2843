import type { Tensor } from '@mav/tensor';
import { requireStage, StageComponent, type UNetStageOptions } from './stage-context.js';
import { sampleUNet, zeros } from './unet-diffusion.js';

/** Options of `ImageDecoderStage.sample`. */
export type ImageDecoderSampleOptions = UNetStageOptions;

/**
 * The image decoder D of the text-to-image model (the network D^t was inflated from): y_e → `[1 3 1 r r]`
 * in [−1, 1], one frame through the same pseudo-3D graph without temporal layers. Guidance uses a zero
 * embedding as the null condition, as the video decoder does.
 */
export class ImageDecoderStage extends StageComponent {
  async sample(options: ImageDecoderSampleOptions): Promise<Tensor<'float32'>> {
    const entry = requireStage(this.context.manifest, 'imageDecoder');
    const resolution = entry.resolution;
    return sampleUNet(this.context, {
      ...options,
      stage: 'imageDecoder',
      network: entry.network,
      entry,
      dims: [1, 3, 1, resolution, resolution],
      conditional: { vector: options.imageEmbedding, tokens: options.textTokens },
      unconditional: { vector: zeros(options.imageEmbedding.dims), tokens: options.emptyTokens },
    });
  }
}
