import { Tensor, throwIfAborted } from '@mav/tensor';
import type {
  AnimateImageOptions,
  CascadeResult,
  ExtrapolateVideoOptions,
  GenerateOptions,
  InterpolateImagesOptions,
  TextToImageOptions,
  TextToImageResult,
  TextToVideoOptions,
  VariationsOptions,
  VideoStageName,
} from './cascade-options.js';
import { InsufficientMemoryError } from './errors.js';
import type { ModelManifest, StageName } from './manifest/manifest-schema.js';
import { describeStages, type StageDescription } from './memory-estimate.js';
import { DecoderStage } from './stages/decoder-stage.js';
import { ImageDecoderStage } from './stages/image-decoder-stage.js';
import { ImageEncoderStage } from './stages/image-encoder-stage.js';
import { InterpolationStage } from './stages/interpolation-stage.js';
import { PriorStage } from './stages/prior-stage.js';
import { requireStage, type StageContext } from './stages/stage-context.js';
import { SuperResolutionStage } from './stages/super-resolution-stage.js';
import { TextEncoderStage, type TextEncoding } from './stages/text-encoder-stage.js';
import type { PromptAnalysis, PromptTokenizer } from './tokenizer/prompt-tokenizer.js';
import { batchRow, clampUnit, imageAsVideo, resizeBilinear, selectFrames, stackBatch } from './video-ops.js';

const videoStages: readonly VideoStageName[] = [
  'decoder',
  'interpolation',
  'superResolutionLow',
  'superResolutionHigh',
];
const seedOffsets: Record<StageName, bigint> = {
  textEncoder: 0n,
  imageEncoder: 1n,
  prior: 2n,
  decoder: 3n,
  interpolation: 4n,
  superResolutionLow: 5n,
  superResolutionHigh: 6n,
  imageDecoder: 7n,
};

/** The cascade's named components (each usable on its own), as in a diffusers pipeline. */
export interface CascadeComponents {
  textEncoder: TextEncoderStage;
  imageEncoder: ImageEncoderStage;
  prior: PriorStage;
  imageDecoder: ImageDecoderStage;
  decoder: DecoderStage;
  interpolation: InterpolationStage;
  superResolutionLow: SuperResolutionStage;
  superResolutionHigh: SuperResolutionStage;
}

/** What `describe()` returns. */
export interface CascadeDescription {
  stages: StageDescription[];
  /** The largest stage estimate plus the video held between stages (see the README's formula). */
  estimatedPeakBytes: number;
}

/** Per-run state: the options, the seed and the stages that ran. */
interface Run {
  options: GenerateOptions;
  seed: bigint;
  ran: StageName[];
  empty?: TextEncoding;
}

/**
 * Make-A-Video: video = SR_h ∘ SR_l^t ∘ ↑F ∘ D^t ∘ P ∘ (x̂, C_x(x)), and the modes built from the same
 * components (animate an image, interpolate between two images, extrapolate a video, variations), and the
 * text-to-image model it builds on (`textToImage`: C_x, P, D). Create it with `loadCascade`.
 *
 * Each mode reads as numbered steps; every diffusion stage samples through `sampleUNet`
 * (`stages/unet-diffusion.ts`), whose loop is `denoise` of `@mav/diffusion`.
 */
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
  async textToVideo(options: TextToVideoOptions): Promise<CascadeResult> {
    // 1. Check inputs and memory.
    const run = this.#begin(options, ['textEncoder', 'prior', 'decoder']);
    if (typeof options.prompt !== 'string') throw new TypeError('prompt must be a string.');
    // 2. Encode the prompt and the empty prompt (the null condition) in one batch.
    const text = await this.#encodeText(run, options.prompt);
    // 3. Prior: text → image embedding.
    const imageEmbedding = await this.#prior(run, text);
    // 4.–7. Decoder, interpolation, super-resolution.
    return this.#decodeAndFinish(run, imageEmbedding, text);
  }

  /**
   * Text → image with the text-to-image model the video model was built on: C_x, P, then the image decoder
   * D, and with `superResolution` the SR stages on the one frame.
   */
  async textToImage(options: TextToImageOptions): Promise<TextToImageResult> {
    // 1. Check inputs.
    const run = this.#begin(options, ['textEncoder', 'prior', 'imageDecoder']);
    if (typeof options.prompt !== 'string') throw new TypeError('prompt must be a string.');
    requireStage(this.manifest, 'imageDecoder');
    // 2. Encode the prompt and the empty prompt; 3. prior.
    const text = await this.#encodeText(run, options.prompt);
    const imageEmbedding = await this.#prior(run, text);
    // 4. Image decoder: one frame [1 3 1 r r].
    let video = clampUnit(
      await this.components.imageDecoder.sample({
        ...this.#conditioning(run, 'imageDecoder', imageEmbedding, text),
      }),
    );
    this.#report(run, 'imageDecoder', video);
    run.ran.push('imageDecoder');
    // 5. Super-resolution of the frame, when asked.
    if (options.superResolution) video = await this.#superResolve(run, video, imageEmbedding, text, 1);
    // [1 3 1 H W] -> [1 3 H W]
    const [, , , height, width] = video.dims as [number, number, number, number, number];
    const image = new Tensor({ dtype: 'float32', dims: [1, 3, height, width], data: video.data });
    return { image, stages: run.ran, imageEmbedding };
  }

  /** Image → video whose first frame is the image (the interpolation network in 'animation' mode). */
  async animateImage(options: AnimateImageOptions): Promise<CascadeResult> {
    const run = this.#begin(options, ['imageEncoder', 'textEncoder', 'interpolation']);
    const image = checkImage(options.image, 'image');
    const imageEmbedding = await this.#encodeImages(run, image);
    const text = await this.#encodeText(run, options.prompt ?? '');
    const { resolution, numFrames } = this.#keyframeShape();
    const keyframes = await this.components.interpolation.fillFrames({
      ...this.#conditioning(run, 'interpolation', imageEmbedding, text),
      frames: imageAsVideo(resizeBilinear(image, resolution, resolution)),
      mode: 'animation',
      numFrames: options.numFrames ?? numFrames,
      fps: this.#fps(run),
    });
    run.ran.push('interpolation');
    return this.#finish(run, keyframes, imageEmbedding, text);
  }

  /** Two images → a video from the first to the last (interpolation mode, known at 0 and F − 1). */
  async interpolateImages(options: InterpolateImagesOptions): Promise<CascadeResult> {
    const run = this.#begin(options, ['imageEncoder', 'textEncoder', 'interpolation']);
    const first = checkImage(options.first, 'first');
    const last = checkImage(options.last, 'last');
    const embeddings = await this.#encodeImages(run, stackBatch([first, last]));
    // The mean of the two embeddings conditions the in-between frames.
    const imageEmbedding = batchRow(embeddings, 0);
    const second = batchRow(embeddings, 1);
    for (let index = 0; index < imageEmbedding.size; index++) {
      imageEmbedding.data[index] = (imageEmbedding.data[index]! + second.data[index]!) / 2;
    }
    const text = await this.#encodeText(run, options.prompt ?? '');
    const keyframeShape = this.#keyframeShape();
    const resolution = keyframeShape.resolution;
    const numFrames = options.numFrames ?? keyframeShape.numFrames;
    const frames = new Tensor({ dtype: 'float32', dims: [1, 3, 2, resolution, resolution] });
    // [1 3 h w] × 2 -> [1 3 2 h w]
    const plane = resolution * resolution;
    [first, last].forEach((image, frame) => {
      const resized = resizeBilinear(image, resolution, resolution);
      for (let channel = 0; channel < 3; channel++) {
        frames.data.set(
          resized.data.subarray(channel * plane, (channel + 1) * plane),
          (channel * 2 + frame) * plane,
        );
      }
    });
    const keyframes = await this.components.interpolation.fillFrames({
      ...this.#conditioning(run, 'interpolation', imageEmbedding, text),
      frames,
      mode: 'interpolation',
      frameSkip: numFrames - 1,
      fps: this.#fps(run),
    });
    run.ran.push('interpolation');
    return this.#finish(run, keyframes, imageEmbedding, text);
  }

  /** A video → a longer one, with new frames after ('forward') or before ('backward') it. */
  async extrapolateVideo(options: ExtrapolateVideoOptions): Promise<CascadeResult> {
    const run = this.#begin(options, ['imageEncoder', 'textEncoder', 'interpolation']);
    const video = options.video;
    if (
      !(video instanceof Tensor) ||
      video.dtype !== 'float32' ||
      video.dims.length !== 5 ||
      video.dims[0] !== 1 ||
      video.dims[1] !== 3
    ) {
      throw new TypeError(`video must be a float32 Tensor [1 3 F H W], got ${String(video)}.`);
    }
    if (options.direction !== 'forward' && options.direction !== 'backward') {
      throw new RangeError(`direction must be 'forward' or 'backward', got ${String(options.direction)}.`);
    }
    const given = video.dims[2]!;
    const keyframeShape = this.#keyframeShape();
    const numFrames = options.numFrames ?? given + Math.max(1, Math.floor(keyframeShape.numFrames / 2));
    const resolution = keyframeShape.resolution;
    // Backward = forward on the reversed video, reversed back.
    const order = Array.from({ length: given }, (_, index) =>
      options.direction === 'forward' ? index : given - 1 - index,
    );
    const frames = resizeBilinear(selectFrames(video, order), resolution, resolution);
    const nearest = selectFrames(frames, [given - 1]);
    const imageEmbedding = await this.#encodeImages(
      run,
      new Tensor({ dtype: 'float32', dims: [1, 3, resolution, resolution], data: nearest.data }),
    );
    const text = await this.#encodeText(run, options.prompt ?? '');
    let keyframes = await this.components.interpolation.fillFrames({
      ...this.#conditioning(run, 'interpolation', imageEmbedding, text),
      frames,
      mode: 'extrapolation',
      numFrames,
      fps: this.#fps(run),
    });
    run.ran.push('interpolation');
    if (options.direction === 'backward')
      keyframes = selectFrames(
        keyframes,
        Array.from({ length: numFrames }, (_, index) => numFrames - 1 - index),
      );
    return this.#finish(run, keyframes, imageEmbedding, text);
  }

  /** `count` videos from the same image embedding (from a prompt through the prior, or from an image), each with a new seed. */
  async variations(options: VariationsOptions): Promise<CascadeResult[]> {
    if (!Number.isSafeInteger(options.count) || options.count < 1) {
      throw new RangeError(`count must be a positive integer, got ${String(options.count)}.`);
    }
    const fromImage = options.image !== undefined;
    const run = this.#begin(
      options,
      fromImage ? ['imageEncoder', 'textEncoder', 'decoder'] : ['textEncoder', 'prior', 'decoder'],
    );
    const text = await this.#encodeText(run, options.prompt ?? '');
    const imageEmbedding = fromImage
      ? await this.#encodeImages(run, checkImage(options.image!, 'image'))
      : await this.#prior(run, text);
    const results: CascadeResult[] = [];
    for (let index = 0; index < options.count; index++) {
      const variation: Run = { ...run, seed: run.seed + BigInt(index + 1) * 1024n, ran: [...run.ran] };
      results.push(await this.#decodeAndFinish(variation, imageEmbedding, text));
    }
    return results;
  }

  /**
   * Every stage of a full text-to-video run with its parameters, FLOPs per step, output size and memory
   * estimate, and the estimated peak.
   */
  describe(
    options: Pick<GenerateOptions, 'numFrames' | 'frameSkip' | 'outputSize' | 'stopAfter' | 'stages'> = {},
  ): CascadeDescription {
    const plan = this.#plan(options, ['textEncoder', 'prior', 'decoder']);
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

  #plan(options: GenerateOptions, head: StageName[]) {
    const { stages } = this.manifest;
    const stopAfter = options.stopAfter;
    if (stopAfter !== undefined && !videoStages.includes(stopAfter)) {
      throw new RangeError(`stopAfter must be one of ${videoStages.join(', ')}, got ${String(stopAfter)}.`);
    }
    if (stopAfter !== undefined && stages[stopAfter] === undefined) {
      throw new RangeError(`stopAfter: the model '${this.manifest.name}' has no ${stopAfter} stage.`);
    }
    const tail: StageName[] = [];
    const image = head.includes('imageDecoder');
    const stopIndex = stopAfter === undefined ? videoStages.length - 1 : videoStages.indexOf(stopAfter);
    // A text-to-image run continues only into the super-resolution stages, and only when asked.
    const following = image
      ? (options as TextToImageOptions).superResolution
        ? videoStages.slice(2)
        : []
      : videoStages.slice(1, stopIndex + 1);
    for (const stage of following) if (stages[stage] !== undefined) tail.push(stage);
    const all = [...head, ...tail];
    const guided: Partial<Record<StageName, boolean>> = {};
    for (const stage of all) {
      const entry = stages[stage] as { guidanceScale?: number } | undefined;
      guided[stage] = (options.stages?.[stage]?.guidanceScale ?? entry?.guidanceScale ?? 1) !== 1;
    }
    return {
      numFrames: image ? 1 : (options.numFrames ?? stages.decoder?.numFrames ?? 1),
      frameSkip: options.frameSkip ?? stages.interpolation?.frameSkip ?? 1,
      guided,
      stages: all,
      superResolutionHighRows: stages.superResolutionHigh?.frameBatch,
      outputSize: options.outputSize,
    };
  }

  #peak(stages: readonly StageDescription[]): number {
    const largest = Math.max(...stages.map((stage) => stage.estimatedBytes));
    const kept = this.#context.runtime.keepSessions
      ? stages.reduce((sum, stage) => sum + 8 * stage.parameterCount, 0)
      : 0;
    return largest + kept;
  }

  #begin(options: GenerateOptions, head: StageName[]): Run {
    if (this.#disposed) throw new RangeError('This cascade was disposed.');
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object.');
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError(`seed must be a non-negative safe integer, got ${String(seed)}.`);
    for (const [field, value] of [
      ['numFrames', options.numFrames],
      ['frameSkip', options.frameSkip],
      ['outputSize', options.outputSize],
    ] as const) {
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 1))
        throw new RangeError(`${field} must be a positive integer, got ${String(value)}.`);
    }
    if (options.fps !== undefined) {
      const range = this.manifest.stages.decoder?.fps ?? { min: 0, max: Number.POSITIVE_INFINITY };
      if (!(options.fps > 0) || options.fps < range.min || options.fps > range.max)
        throw new RangeError(
          `fps must be a number in [${range.min}, ${range.max}] (the range the decoder was trained on), got ${String(options.fps)}.`,
        );
    }
    throwIfAborted(options.signal, 'The cascade');
    const plan = this.#plan(options, head);
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
    return { options, seed: BigInt(seed) << 8n, ran: [] };
  }

  #stageSeed(run: Run, stage: StageName): bigint {
    return run.seed + seedOffsets[stage];
  }

  #fps(run: Run): number {
    return run.options.fps ?? requireStage(this.manifest, 'decoder').fps.default;
  }

  /** The keyframes' size and count (the decoder's), which the masked-frame modes work at. */
  #keyframeShape(): { resolution: number; numFrames: number } {
    const decoder = requireStage(this.manifest, 'decoder');
    return { resolution: decoder.resolution, numFrames: decoder.numFrames };
  }

  /** Whether a run goes through a video stage: the model has it and `stopAfter` does not end before it. */
  #wanted(run: Run, stage: VideoStageName): boolean {
    const stop = run.options.stopAfter;
    return (
      this.manifest.stages[stage] !== undefined &&
      (stop === undefined || videoStages.indexOf(stage) <= videoStages.indexOf(stop))
    );
  }

  /** Reports a stage's output, as the next stage receives it. */
  #report(run: Run, stage: StageName, tensor: Tensor<'float32'>): void {
    run.options.onTensor?.({ stage, name: 'output', tensor });
  }

  #sampling(run: Run, stage: StageName) {
    const { signal, onProgress, onTensor } = run.options;
    return {
      seed: this.#stageSeed(run, stage),
      steps: run.options.stages?.[stage]?.steps,
      guidanceScale: run.options.stages?.[stage]?.guidanceScale,
      signal,
      onProgress,
      onTensor,
    };
  }

  #conditioning(run: Run, stage: StageName, imageEmbedding: Tensor<'float32'>, text: TextEncoding) {
    return {
      ...this.#sampling(run, stage),
      imageEmbedding,
      textTokens: text.tokens,
      emptyTokens: run.empty?.tokens,
    };
  }

  async #encodeText(run: Run, prompt: string): Promise<TextEncoding> {
    const both = await this.components.textEncoder.encode([prompt, ''], run.options);
    run.ran.push('textEncoder');
    run.empty = { embedding: batchRow(both.embedding, 1), tokens: batchRow(both.tokens, 1) };
    return { embedding: batchRow(both.embedding, 0), tokens: batchRow(both.tokens, 0) };
  }

  async #encodeImages(run: Run, images: Tensor<'float32'>): Promise<Tensor<'float32'>> {
    const embedding = await this.components.imageEncoder.encode(images, run.options);
    run.ran.push('imageEncoder');
    return embedding;
  }

  async #prior(run: Run, text: TextEncoding): Promise<Tensor<'float32'>> {
    const embedding = await this.components.prior.sample({
      ...this.#sampling(run, 'prior'),
      text,
      emptyText: run.empty!,
    });
    run.ran.push('prior');
    return embedding;
  }

  async #decodeAndFinish(
    run: Run,
    imageEmbedding: Tensor<'float32'>,
    text: TextEncoding,
  ): Promise<CascadeResult> {
    const keyframes = await this.components.decoder.sample({
      ...this.#conditioning(run, 'decoder', imageEmbedding, text),
      fps: this.#fps(run),
      numFrames: run.options.numFrames,
    });
    run.ran.push('decoder');
    return this.#finish(run, keyframes, imageEmbedding, text);
  }

  /** ↑F, SR_l^t and SR_h after the keyframes, as far as the model and `stopAfter` go. */
  async #finish(
    run: Run,
    keyframes: Tensor<'float32'>,
    imageEmbedding: Tensor<'float32'>,
    text: TextEncoding,
  ): Promise<CascadeResult> {
    const { stages } = this.manifest;
    const stop = run.options.stopAfter;
    const wanted = (stage: VideoStageName) => this.#wanted(run, stage);
    let video = clampUnit(keyframes);
    this.#report(run, run.ran[run.ran.length - 1]!, video);
    let fps = this.#fps(run);
    if (wanted('interpolation') && stop !== 'decoder') {
      const frameSkip = run.options.frameSkip ?? stages.interpolation!.frameSkip;
      video = clampUnit(
        await this.components.interpolation.interpolate({
          ...this.#conditioning(run, 'interpolation', imageEmbedding, text),
          keyframes: video,
          frameSkip,
          fps: fps * frameSkip,
        }),
      );
      fps *= frameSkip;
      this.#report(run, 'interpolation', video);
      run.ran.push('interpolation');
    }
    if (stop !== 'decoder' && stop !== 'interpolation')
      video = await this.#superResolve(run, video, imageEmbedding, text, fps);
    return { video, fps, stages: run.ran, imageEmbedding };
  }

  /** SR_l^t, then SR_h, as far as the model and `stopAfter` go; `outputSize` applies to the last one. */
  async #superResolve(
    run: Run,
    input: Tensor<'float32'>,
    imageEmbedding: Tensor<'float32'>,
    text: TextEncoding,
    fps: number,
  ): Promise<Tensor<'float32'>> {
    const wanted = (stage: VideoStageName) => this.#wanted(run, stage);
    const lastSuperResolution = wanted('superResolutionHigh') ? 'superResolutionHigh' : 'superResolutionLow';
    let video = input;
    for (const stage of ['superResolutionLow', 'superResolutionHigh'] as const) {
      if (!wanted(stage)) continue;
      video = clampUnit(
        await this.components[stage].upscale({
          ...this.#conditioning(run, stage, imageEmbedding, text),
          video,
          fps,
          resolution: stage === lastSuperResolution ? run.options.outputSize : undefined,
        }),
      );
      this.#report(run, stage, video);
      run.ran.push(stage);
    }
    return video;
  }
}

function checkImage(image: Tensor<'float32'>, name: string): Tensor<'float32'> {
  if (
    !(image instanceof Tensor) ||
    image.dtype !== 'float32' ||
    image.dims.length !== 4 ||
    image.dims[0] !== 1 ||
    image.dims[1] !== 3
  ) {
    throw new TypeError(`${name} must be a float32 Tensor [1 3 H W] in [-1, 1], got ${String(image)}.`);
  }
  return image;
}
