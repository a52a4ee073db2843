import type { Tensor } from '@mav/tensor';
import { requireStage, type SamplingOptions, type StageContext } from './stage-context.js';
import { sampleUNet, zeros } from './unet-diffusion.js';

/** Options of `ImageDecoderStage.sample`. */
export interface ImageDecoderSampleOptions extends SamplingOptions {
  /** `[1 D]`: the CLIP image embedding y_e (normalised). */
  imageEmbedding: Tensor<'float32'>;
  /** `[1 n W]`: the prompt's token states (for a decoder with cross-attention). */
  textTokens?: Tensor<'float32'> | undefined;
  /** `[1 n W]`: the empty prompt's token states (null condition). */
  emptyTokens?: Tensor<'float32'> | undefined;
}

/**
 * The image decoder D of the text-to-image model (the network D^t was inflated from): y_e → `[1 3 1 r r]`
 * in [−1, 1], one frame through the same pseudo-3D graph without temporal layers. Guidance uses a zero
 * embedding as the null condition, as the video decoder does.
 */
export class ImageDecoderStage {
  readonly #context: StageContext;

  constructor(context: StageContext) {
    this.#context = context;
  }

  async sample(options: ImageDecoderSampleOptions): Promise<Tensor<'float32'>> {
    const entry = requireStage(this.#context.manifest, 'imageDecoder');
    const resolution = entry.resolution;
    return sampleUNet(this.#context, {
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
