import { Tensor, throwIfAborted } from '@mav/tensor';
import type * as modes from './cascade-options.js';
import { type CascadeComponents, CascadeRun } from './cascade-run.js';
import { InsufficientMemoryError } from './errors.js';
import type { ModelManifest, StageName } from './manifest/manifest-schema.js';
import { describeStages, type StageDescription } from './memory-estimate.js';
import { planRun, runHeads } from './run-plan.js';
import { DecoderStage } from './stages/decoder-stage.js';
import { ImageDecoderStage } from './stages/image-decoder-stage.js';
import { ImageEncoderStage } from './stages/image-encoder-stage.js';
import { InterpolationStage } from './stages/interpolation-stage.js';
import { PriorStage } from './stages/prior-stage.js';
import { requireStage, type StageContext } from './stages/stage-context.js';
import { SuperResolutionStage } from './stages/super-resolution-stage.js';
import { TextEncoderStage } from './stages/text-encoder-stage.js';
import type { PromptAnalysis, PromptTokenizer } from './tokenizer/prompt-tokenizer.js';
import {
  clampUnit,
  extrapolatedFrameCount,
  imageAsVideo,
  meanRows,
  resizeBilinear,
  selectFrames,
  stackBatch,
  stackFrames,
} from './video-ops.js';

/** What `describe()` returns. */
export interface CascadeDescription {
  stages: StageDescription[];
  /** The largest stage estimate plus the video held between stages (see the README's formula). */
  estimatedPeakBytes: number;
}

/**
 * Make-A-Video: video = SR_h ∘ SR_l^t ∘ ↑F ∘ D^t ∘ P ∘ (x̂, C_x(x)), and the modes built from the same
 * components (animate an image, interpolate between two images, extrapolate a video, variations), and the
 * text-to-image model it builds on (`textToImage`: C_x, P, D). Create it with `loadCascade`.
 *
 * Each mode reads as numbered steps; every diffusion stage samples through `sampleUNet`
 * (`stages/unet-diffusion.ts`), whose loop is `denoise` of `@mav/diffusion`.
 */
export type { CascadeComponents };

export class Cascade {
  readonly manifest: ModelManifest;
  readonly components: CascadeComponents;
  readonly memoryLimitBytes: number | undefined;
  readonly #context: StageContext;
  #disposed = false;

  constructor(options: {
    context: StageContext;
    tokenizer: PromptTokenizer;
    memoryLimitBytes?: number | undefined;
  }) {
    this.#context = options.context;
    this.manifest = options.context.manifest;
    this.memoryLimitBytes = options.memoryLimitBytes;
    const context = options.context;
    this.components = {
      textEncoder: new TextEncoderStage(context, options.tokenizer),
      imageEncoder: new ImageEncoderStage(context),
      prior: new PriorStage(context),
      imageDecoder: new ImageDecoderStage(context),
      decoder: new DecoderStage(context),
      interpolation: new InterpolationStage(context),
      superResolutionLow: new SuperResolutionStage(context, 'superResolutionLow'),
      superResolutionHigh: new SuperResolutionStage(context, 'superResolutionHigh'),
    };
  }

  /** Text → video: C_x, P, D^t, then ↑F, SR_l^t, SR_h as far as the model and `stopAfter` go. */
  async textToVideo(options: modes.TextToVideoOptions): Promise<modes.CascadeResult> {
    // 1. Check inputs and plan the run (memory included).
    const run = this.#begin(options, runHeads.textToVideo);
    if (typeof options.prompt !== 'string') throw new TypeError('prompt must be a string.');
    // 2. Encode the prompt and the empty prompt (the null condition) in one batch.
    const text = await run.encodeText(options.prompt);
    // 3. Prior: text → image embedding.
    const imageEmbedding = await run.prior(text);
    // 4.–7. Decoder, interpolation, super-resolution.
    return run.decodeAndFinish(imageEmbedding, text);
  }

  /**
   * Text → image with the text-to-image model the video model was built on: C_x, P, then the image decoder
   * D, and with `superResolution` the SR stages on the one frame.
   */
  async textToImage(options: modes.TextToImageOptions): Promise<modes.TextToImageResult> {
    // 1. Check inputs.
    const run = this.#begin(options, runHeads.textToImage);
    if (typeof options.prompt !== 'string') throw new TypeError('prompt must be a string.');
    requireStage(this.manifest, 'imageDecoder');
    // 2. Encode the prompt and the empty prompt; 3. prior.
    const text = await run.encodeText(options.prompt);
    const imageEmbedding = await run.prior(text);
    // 4. Image decoder: one frame [1 3 1 r r].
    const decoded = await this.components.imageDecoder.sample({
      ...run.conditioning('imageDecoder', imageEmbedding, text),
    });
    let video = run.done('imageDecoder', clampUnit(decoded));
    // 5. Super-resolution of the frame, when asked.
    if (options.superResolution) video = await run.superResolve(video, imageEmbedding, text, 1);
    // [1 3 1 H W] -> [1 3 H W]
    const [, , , height, width] = video.dims as [number, number, number, number, number];
    const image = new Tensor({ dtype: 'float32', dims: [1, 3, height, width], data: video.data });
    return { image, stages: run.ran, imageEmbedding };
  }

  /** Image → video whose first frame is the image (the interpolation network in 'animation' mode). */
  async animateImage(options: modes.AnimateImageOptions): Promise<modes.CascadeResult> {
    const run = this.#begin(options, runHeads.fromImage);
    const image = checkImage(options.image, 'image');
    const imageEmbedding = await run.encodeImages(image);
    const text = await run.encodeText(options.prompt ?? '');
    const { resolution, numFrames } = this.#keyframeShape();
    const keyframes = await this.components.interpolation.fillFrames({
      ...run.conditioning('interpolation', imageEmbedding, text),
      frames: imageAsVideo(resizeBilinear(image, resolution, resolution)),
      mode: 'animation',
      numFrames: options.numFrames ?? numFrames,
      fps: run.fps,
    });
    return run.finish({ stage: 'interpolation', keyframes }, imageEmbedding, text);
  }

  /** Two images → a video from the first to the last (interpolation mode, known at 0 and F − 1). */
  async interpolateImages(options: modes.InterpolateImagesOptions): Promise<modes.CascadeResult> {
    const run = this.#begin(options, runHeads.fromImage);
    const first = checkImage(options.first, 'first');
    const last = checkImage(options.last, 'last');
    const embeddings = await run.encodeImages(stackBatch([first, last]));
    // The mean of the two embeddings conditions the in-between frames.
    const imageEmbedding = meanRows(embeddings);
    const text = await run.encodeText(options.prompt ?? '');
    const { resolution, numFrames } = this.#keyframeShape();
    const frames = stackFrames([first, last].map((image) => resizeBilinear(image, resolution, resolution)));
    const keyframes = await this.components.interpolation.fillFrames({
      ...run.conditioning('interpolation', imageEmbedding, text),
      frames,
      mode: 'interpolation',
      frameSkip: (options.numFrames ?? numFrames) - 1,
      fps: run.fps,
    });
    return run.finish({ stage: 'interpolation', keyframes }, imageEmbedding, text);
  }

  /** A video → a longer one, with new frames after ('forward') or before ('backward') it. */
  async extrapolateVideo(options: modes.ExtrapolateVideoOptions): Promise<modes.CascadeResult> {
    const run = this.#begin(options, runHeads.fromImage);
    const video = checkPixels(options.video, 'video', '[1 3 F H W]');
    if (options.direction !== 'forward' && options.direction !== 'backward') {
      throw new RangeError(`direction must be 'forward' or 'backward', got ${String(options.direction)}.`);
    }
    const given = video.dims[2]!;
    const keyframeShape = this.#keyframeShape();
    const numFrames =
      options.numFrames ??
      extrapolatedFrameCount(
        given,
        keyframeShape.numFrames,
        this.manifest.stages.interpolation?.windowKeyframes,
      );
    const resolution = keyframeShape.resolution;
    // Backward = forward on the reversed video, reversed back.
    const reversed = (count: number) => Array.from({ length: count }, (_, index) => count - 1 - index);
    const inOrder = Array.from({ length: given }, (_, index) => index);
    const order = options.direction === 'forward' ? inOrder : reversed(given);
    const frames = resizeBilinear(selectFrames(video, order), resolution, resolution);
    const nearest = selectFrames(frames, [given - 1]);
    const imageEmbedding = await run.encodeImages(nearest.reshape([1, 3, resolution, resolution]));
    const text = await run.encodeText(options.prompt ?? '');
    let keyframes = await this.components.interpolation.fillFrames({
      ...run.conditioning('interpolation', imageEmbedding, text),
      frames,
      mode: 'extrapolation',
      numFrames,
      fps: run.fps,
    });
    if (options.direction === 'backward') keyframes = selectFrames(keyframes, reversed(numFrames));
    return run.finish({ stage: 'interpolation', keyframes }, imageEmbedding, text);
  }

  /** `count` videos from the same image embedding (from a prompt through the prior, or from an image), each with a new seed. */
  async variations(options: modes.VariationsOptions): Promise<modes.CascadeResult[]> {
    if (!Number.isSafeInteger(options.count) || options.count < 1) {
      throw new RangeError(`count must be a positive integer, got ${String(options.count)}.`);
    }
    const fromImage = options.image !== undefined;
    const run = this.#begin(options, fromImage ? runHeads.imageVariations : runHeads.textToVideo);
    const text = await run.encodeText(options.prompt ?? '');
    const imageEmbedding = fromImage
      ? await run.encodeImages(checkImage(options.image!, 'image'))
      : await run.prior(text);
    const results: modes.CascadeResult[] = [];
    for (let index = 1; index <= options.count; index++) {
      results.push(await run.variation(index).decodeAndFinish(imageEmbedding, text));
    }
    return results;
  }

  /**
   * Every stage of a full text-to-video run with its parameters, FLOPs per step, output size and memory
   * estimate, and the estimated peak.
   */
  describe(
    options: Pick<
      modes.GenerateOptions,
      'numFrames' | 'frameSkip' | 'outputSize' | 'stopAfter' | 'stages'
    > = {},
  ): CascadeDescription {
    // A model in training may lack stages: describe the ones it has.
    const head = runHeads.textToVideo.filter((stage) => this.manifest.stages[stage] !== undefined);
    const plan = planRun(this.manifest, options, head);
    const stages = describeStages(this.manifest, plan);
    return { stages, estimatedPeakBytes: this.#peak(stages) };
  }

  /**
   * What the text encoder will make of a prompt: its token ids, the words outside the vocabulary, tokens cut
   * off past the context length, and whether it is empty (apps warn about these; the cascade never prints).
   */
  analyzePrompt(prompt: string): PromptAnalysis {
    if (typeof prompt !== 'string') throw new TypeError('prompt must be a string.');
    return this.components.textEncoder.tokenizer.analyze(prompt);
  }

  /** Releases every kept session. The cascade cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#context.runtime.dispose();
  }

  // --- steps shared by the modes ---

  #peak(stages: readonly StageDescription[]): number {
    const largest = Math.max(...stages.map((stage) => stage.estimatedBytes));
    const kept = this.#context.runtime.keepSessions
      ? stages.reduce((sum, stage) => sum + 8 * stage.parameterCount, 0)
      : 0;
    return largest + kept;
  }

  /** Checks the options, plans the run and its memory, and starts it. */
  #begin(
    options: modes.GenerateOptions & Pick<modes.TextToImageOptions, 'superResolution'>,
    head: readonly StageName[],
  ) {
    if (this.#disposed) throw new RangeError('This cascade was disposed.');
    const plan = planRun(this.manifest, options, head);
    throwIfAborted(options.signal, 'The cascade');
    if (this.memoryLimitBytes !== undefined) {
      const stages = describeStages(this.manifest, plan);
      const peak = this.#peak(stages);
      if (peak > this.memoryLimitBytes) {
        const worst = stages.reduce((a, b) => (b.estimatedBytes > a.estimatedBytes ? b : a));
        throw new InsufficientMemoryError({
          estimatedBytes: peak,
          limitBytes: this.memoryLimitBytes,
          stage: worst.name,
        });
      }
    }
    return new CascadeRun({ manifest: this.manifest, components: this.components, options, plan });
  }

  /** The keyframes' size and count (the decoder's), which the masked-frame modes work at. */
  #keyframeShape(): { resolution: number; numFrames: number } {
    const decoder = requireStage(this.manifest, 'decoder');
    return { resolution: decoder.resolution, numFrames: decoder.numFrames };
  }
}

/** A float32 `[1 3 …]` tensor of pixels in [−1, 1] with `layout.length` axes, or a TypeError naming it. */
function checkPixels(value: Tensor<'float32'>, name: string, layout: string): Tensor<'float32'> {
  const axes = layout.slice(1, -1).split(' ').length;
  if (
    !(value instanceof Tensor) ||
    value.dtype !== 'float32' ||
    value.dims.length !== axes ||
    value.dims[0] !== 1 ||
    value.dims[1] !== 3
  ) {
    throw new TypeError(`${name} must be a float32 Tensor ${layout} in [-1, 1], got ${String(value)}.`);
  }
  return value;
}

function checkImage(image: Tensor<'float32'>, name: string): Tensor<'float32'> {
  return checkPixels(image, name, '[1 3 H W]');
}
