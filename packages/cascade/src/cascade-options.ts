import type { Tensor } from '@mav/tensor';
import type { StageName } from './manifest/manifest-schema.js';
import type { StageProgress, StageTensorEvent } from './stages/stage-context.js';

/** The stages whose output is a video: where a run may stop. */
export type VideoStageName = 'decoder' | 'interpolation' | 'superResolutionLow' | 'superResolutionHigh';

/** Options every mode takes. */
export interface GenerateOptions {
  /** Seed of every random value of the run (a non-negative safe integer). Default 0. */
  seed?: number;
  /** Frame-rate conditioning of the decoder (frames per second of its keyframes). Default: the manifest's. */
  fps?: number;
  /** Keyframes the decoder (or the masked-frame modes) generate. Default: the manifest's (16). */
  numFrames?: number;
  /** Frame skip of the interpolation stage. Default: the manifest's (5: 16 → 76 frames). */
  frameSkip?: number;
  /** Height and width of the last super-resolution stage that runs. Default: the manifest's. */
  outputSize?: number;
  /** Sampling steps and guidance scale per stage. Defaults: the manifest's. */
  stages?: Partial<Record<StageName, { steps?: number; guidanceScale?: number }>>;
  /** The last stage to run (e.g. 'decoder' for keyframes only). Default: every stage the model has. */
  stopAfter?: VideoStageName;
  signal?: AbortSignal;
  onProgress?: (event: StageProgress) => void;
  /** Receives every stage's intermediate tensors as they are made (see `StageTensorEvent`). */
  onTensor?: (event: StageTensorEvent) => void;
}

/** What a mode returns. */
export interface CascadeResult {
  /** float32 `[1 3 F H W]` in [−1, 1]. */
  video: Tensor<'float32'>;
  /** Frames per second of `video` (the decoder's fps × the frame skip once interpolated). */
  fps: number;
  /** The stages that ran, in order (a stage run twice appears twice). */
  stages: StageName[];
  /** `[1 D]`: the CLIP image embedding the video was decoded from. */
  imageEmbedding: Tensor<'float32'>;
}

/** Options of `textToVideo`. */
export interface TextToVideoOptions extends GenerateOptions {
  prompt: string;
}

/** Options of `animateImage`: the image becomes the first frame. */
export interface AnimateImageOptions extends GenerateOptions {
  /** `[1 3 H W]` in [−1, 1] (resized to the decoder's resolution). */
  image: Tensor<'float32'>;
  /** Optional text for the networks with cross-attention. */
  prompt?: string;
}

/** Options of `interpolateImages`: a video from `first` to `last`. */
export interface InterpolateImagesOptions extends GenerateOptions {
  first: Tensor<'float32'>;
  last: Tensor<'float32'>;
  prompt?: string;
}

/** Options of `extrapolateVideo`. */
export interface ExtrapolateVideoOptions extends GenerateOptions {
  /** `[1 3 F H W]` in [−1, 1]; resized to the decoder's resolution. */
  video: Tensor<'float32'>;
  /** Add frames after the video ('forward') or before it ('backward'). */
  direction: 'forward' | 'backward';
  prompt?: string;
}

/** Options of `variations`: `count` videos from one image embedding, each with its own seed. */
export interface VariationsOptions extends GenerateOptions {
  prompt?: string;
  /** `[1 3 H W]`: start from an image's embedding instead of a prompt's. */
  image?: Tensor<'float32'>;
  count: number;
}

/** Options of `textToImage`: the text-to-image model (C_x, P, D), optionally followed by super-resolution. */
export interface TextToImageOptions
  extends Pick<GenerateOptions, 'seed' | 'stages' | 'outputSize' | 'signal' | 'onProgress' | 'onTensor'> {
  prompt: string;
  /**
   * Run the image through the super-resolution stages the model has (SR_l^t on one frame, then SR_h).
   * Default false: the image decoder's own resolution. `outputSize` applies to the last one.
   */
  superResolution?: boolean;
}

/** What `textToImage` returns. */
export interface TextToImageResult {
  /** float32 `[1 3 H W]` in [−1, 1]. */
  image: Tensor<'float32'>;
  /** The stages that ran, in order. */
  stages: StageName[];
  /** `[1 D]`: the CLIP image embedding the image was decoded from. */
  imageEmbedding: Tensor<'float32'>;
}
