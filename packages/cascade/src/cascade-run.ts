import type { Tensor } from '@mav/tensor';
import type { CascadeResult, GenerateOptions, VideoStageName } from './cascade-options.js';
import type { ModelManifest, StageName } from './manifest/manifest-schema.js';
import { type RunPlan, videoStageNames } from './run-plan.js';
import { stageRandomness } from './seed-plan.js';
import type { DecoderStage } from './stages/decoder-stage.js';
import type { ImageDecoderStage } from './stages/image-decoder-stage.js';
import type { ImageEncoderStage } from './stages/image-encoder-stage.js';
import type { InterpolationStage } from './stages/interpolation-stage.js';
import type { PriorStage } from './stages/prior-stage.js';
import { requireStage } from './stages/stage-context.js';
import type { SuperResolutionStage } from './stages/super-resolution-stage.js';
import type { TextEncoderStage, TextEncoding } from './stages/text-encoder-stage.js';
import { batchRow, clampUnit } from './video-ops.js';

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

/** A prompt's encoding with the empty prompt's (the null condition of guidance), from one batch. */
export interface PromptEncoding {
  prompt: TextEncoding;
  empty: TextEncoding;
}

/**
 * One run of a mode: its options and plan, the stages it went through, and the steps every mode shares
 * (encode, prior, decode, interpolate, super-resolve), each returning what it made. The sampling of every
 * diffusion stage is `sampleUNet` (`stages/unet-diffusion.ts`), whose loop is `denoise` of @mav/diffusion.
 */
export class CascadeRun {
  readonly ran: StageName[] = [];
  readonly #manifest: ModelManifest;
  readonly #components: CascadeComponents;
  readonly #options: GenerateOptions;
  readonly #plan: RunPlan;
  readonly #variation: number;

  constructor(options: {
    manifest: ModelManifest;
    components: CascadeComponents;
    options: GenerateOptions;
    plan: RunPlan;
    variation?: number;
    ran?: readonly StageName[];
  }) {
    this.#manifest = options.manifest;
    this.#components = options.components;
    this.#options = options.options;
    this.#plan = options.plan;
    this.#variation = options.variation ?? 0;
    this.ran.push(...(options.ran ?? []));
  }

  /** The same run for variation `index` (≥ 1): its own seeds, the stages run so far. */
  variation(index: number): CascadeRun {
    return new CascadeRun({
      manifest: this.#manifest,
      components: this.#components,
      options: this.#options,
      plan: this.#plan,
      variation: index,
      ran: this.ran,
    });
  }

  /** The decoder's fps conditioning: the option, else the manifest's default. */
  get fps(): number {
    return this.#options.fps ?? requireStage(this.#manifest, 'decoder').fps.default;
  }

  /** Seed, steps, guidance, abort and callbacks of one stage's sampling. */
  sampling(stage: StageName) {
    const { signal, onProgress, onTensor } = this.#options;
    return {
      ...stageRandomness({ seed: this.#options.seed ?? 0, stage, variation: this.#variation }),
      steps: this.#plan.steps[stage],
      guidanceScale: this.#plan.guidanceScales[stage],
      signal,
      onProgress,
      onTensor,
    };
  }

  /** `sampling` plus the conditioning every UNet stage reads. */
  conditioning(stage: StageName, imageEmbedding: Tensor<'float32'>, text: PromptEncoding) {
    return {
      ...this.sampling(stage),
      imageEmbedding,
      textTokens: text.prompt.tokens,
      emptyTokens: text.empty.tokens,
    };
  }

  /** Reports a stage's output, as the next stage receives it, and records that the stage ran. */
  done(stage: StageName, output: Tensor<'float32'>): Tensor<'float32'> {
    this.#options.onTensor?.({ stage, name: 'output', tensor: output });
    this.ran.push(stage);
    return output;
  }

  /** C_x on the prompt and the empty prompt, in one batch. */
  async encodeText(prompt: string): Promise<PromptEncoding> {
    const both = await this.#components.textEncoder.encode([prompt, ''], this.#options);
    this.ran.push('textEncoder');
    return {
      prompt: { embedding: batchRow(both.embedding, 0), tokens: batchRow(both.tokens, 0) },
      empty: { embedding: batchRow(both.embedding, 1), tokens: batchRow(both.tokens, 1) },
    };
  }

  /** The CLIP image encoder on `[b 3 H W]`. */
  async encodeImages(images: Tensor<'float32'>): Promise<Tensor<'float32'>> {
    const embedding = await this.#components.imageEncoder.encode(images, this.#options);
    this.ran.push('imageEncoder');
    return embedding;
  }

  /** P: text → the (normalised) image embedding. */
  async prior(text: PromptEncoding): Promise<Tensor<'float32'>> {
    const embedding = await this.#components.prior.sample({
      ...this.sampling('prior'),
      text: text.prompt,
      emptyText: text.empty,
    });
    this.ran.push('prior');
    return embedding;
  }

  /** D^t, then ↑F and SR as far as the model and `stopAfter` go. */
  async decodeAndFinish(imageEmbedding: Tensor<'float32'>, text: PromptEncoding): Promise<CascadeResult> {
    const keyframes = await this.#components.decoder.sample({
      ...this.conditioning('decoder', imageEmbedding, text),
      fps: this.fps,
      numFrames: this.#options.numFrames,
    });
    return this.finish({ stage: 'decoder', keyframes }, imageEmbedding, text);
  }

  /**
   * ↑F, SR_l^t and SR_h after the keyframes that `stage` made (the decoder, or ↑F in a masked-frame mode),
   * as far as the model and `stopAfter` go.
   */
  async finish(
    made: { stage: 'decoder' | 'interpolation'; keyframes: Tensor<'float32'> },
    imageEmbedding: Tensor<'float32'>,
    text: PromptEncoding,
  ): Promise<CascadeResult> {
    const stop = this.#options.stopAfter;
    let video = this.done(made.stage, clampUnit(made.keyframes));
    let fps = this.fps;
    if (this.#wanted('interpolation') && stop !== 'decoder') {
      const frameSkip = this.#plan.frameSkip;
      const interpolated = await this.#components.interpolation.interpolate({
        ...this.conditioning('interpolation', imageEmbedding, text),
        keyframes: video,
        frameSkip,
        fps: fps * frameSkip,
      });
      fps *= frameSkip;
      video = this.done('interpolation', clampUnit(interpolated));
    }
    if (stop !== 'decoder' && stop !== 'interpolation')
      video = await this.superResolve(video, imageEmbedding, text, fps);
    return { video, fps, stages: this.ran, imageEmbedding };
  }

  /** SR_l^t, then SR_h, as far as the model and `stopAfter` go; `outputSize` applies to the last one. */
  async superResolve(
    input: Tensor<'float32'>,
    imageEmbedding: Tensor<'float32'>,
    text: PromptEncoding,
    fps: number,
  ): Promise<Tensor<'float32'>> {
    const last = this.#wanted('superResolutionHigh') ? 'superResolutionHigh' : 'superResolutionLow';
    let video = input;
    for (const stage of ['superResolutionLow', 'superResolutionHigh'] as const) {
      if (!this.#wanted(stage)) continue;
      const upscaled = await this.#components[stage].upscale({
        ...this.conditioning(stage, imageEmbedding, text),
        video,
        fps,
        resolution: stage === last ? this.#options.outputSize : undefined,
      });
      video = this.done(stage, clampUnit(upscaled));
    }
    return video;
  }

  /** Whether the run goes through a video stage: the model has it and `stopAfter` does not end before it. */
  #wanted(stage: VideoStageName): boolean {
    const stop = this.#options.stopAfter;
    return (
      this.#manifest.stages[stage] !== undefined &&
      (stop === undefined || videoStageNames.indexOf(stage) <= videoStageNames.indexOf(stop))
    );
  }
}
