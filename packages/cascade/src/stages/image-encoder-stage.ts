import { buildTransformer, imageEncoderNames } from '@mav/p3d-layers';
import { type Tensor, throwIfAborted } from '@mav/tensor';
import { normalizeEmbeddings } from '../embedding-normalization.js';
import { resizeBilinear } from '../video-ops.js';
import { type StageContext, type StageRunOptions, stageWeights } from './stage-context.js';

/** The CLIP image encoder: images `[b 3 H W]` in [−1, 1] (resized bilinearly to its size) → embeddings `[b D]`, normalised as the manifest's `embeddings` says. */
export class ImageEncoderStage {
  readonly #context: StageContext;

  constructor(context: StageContext) {
    this.#context = context;
  }

  /** Encodes images in one run. */
  async encode(images: Tensor<'float32'>, options: StageRunOptions = {}): Promise<Tensor<'float32'>> {
    const entry = this.#context.manifest.stages.imageEncoder;
    if (entry === undefined) {
      throw new RangeError(
        `The model '${this.#context.manifest.name}' has no imageEncoder stage; it cannot start from images.`,
      );
    }
    if (images.dtype !== 'float32' || images.dims.length !== 4 || images.dims[1] !== 3) {
      throw new TypeError(`images must be float32 [b 3 H W], got ${images.toString()}.`);
    }
    throwIfAborted(options.signal, 'Image encoding');
    const started = performance.now();
    const size = entry.network.imageSize;
    const batch = images.dims[0]!;
    const pixels = resizeBilinear(images, size, size);
    const weights = stageWeights(this.#context, 'imageEncoder');
    const outputs = await this.#context.runtime.withSession(
      'imageEncoder',
      `${batch}`,
      () =>
        buildTransformer({ network: { kind: 'imageEncoder', config: entry.network }, weights, batch })
          .modelBytes,
      (session) =>
        session.run({ [imageEncoderNames.input]: pixels }, options.signal ? { signal: options.signal } : {}),
    );
    pixels.dispose();
    const raw = (await outputs[imageEncoderNames.embedding]!.toHost()) as Tensor<'float32'>;
    const embedding = normalizeEmbeddings(raw, this.#context.manifest.embeddings);
    raw.dispose();
    options.onTensor?.({ stage: 'imageEncoder', name: 'embedding', tensor: embedding });
    options.onProgress?.({
      stage: 'imageEncoder',
      step: 1,
      totalSteps: 1,
      elapsedMs: performance.now() - started,
    });
    return embedding;
  }
}
