import { imageEncoderNames } from '@mav/p3d-layers';
import { type Tensor, throwIfAborted } from '@mav/tensor';
import { resizeBilinear } from '../video-ops.js';
import { runEncoder } from './encoder-run.js';
import { requireStage, StageComponent, type StageRunOptions } from './stage-context.js';

/** The CLIP image encoder: images `[b 3 H W]` in [−1, 1] (resized bilinearly to its size) → embeddings `[b D]`, normalised as the manifest's `embeddings` says. */
export class ImageEncoderStage extends StageComponent {
  /** Encodes images in one run. */
  async encode(images: Tensor<'float32'>, options: StageRunOptions = {}): Promise<Tensor<'float32'>> {
    const entry = requireStage(this.context.manifest, 'imageEncoder', 'it cannot start from images');
    if (images.dtype !== 'float32' || images.dims.length !== 4 || images.dims[1] !== 3) {
      throw new TypeError(`images must be float32 [b 3 H W], got ${images.toString()}.`);
    }
    throwIfAborted(options.signal, 'Image encoding');
    const size = entry.network.imageSize;
    const { embedding } = await runEncoder(this.context, {
      stage: 'imageEncoder',
      network: { kind: 'imageEncoder', config: entry.network },
      batch: images.dims[0]!,
      input: { name: imageEncoderNames.input, tensor: resizeBilinear(images, size, size) },
      embeddingOutput: imageEncoderNames.embedding,
      run: options,
    });
    return embedding;
  }
}
