import {
  blendKnownFrames,
  type MaskedFrameConditioning,
  type MaskedFrameMode,
  maskedFrameConditioning,
} from '@mav/diffusion';
import { Tensor } from '@mav/tensor';
import { repeatRows, selectFrames, stackBatch, windowsTile } from '../video-ops.js';
import { requireStage, StageComponent, type UNetStageOptions } from './stage-context.js';
import { sampleUNet, zeros } from './unet-diffusion.js';

/** Conditioning shared by the interpolation network's runs. */
export interface InterpolationConditioning extends UNetStageOptions {
  /** Frame rate of the frames it outputs. */
  fps: number;
  /**
   * Copy the known frames back into their places after sampling (default true), so they come out exactly as
   * given. False shows what the network alone made of them.
   */
  restoreKnownFrames?: boolean | undefined;
}

/** Options of `InterpolationStage.fillFrames`. */
export interface FillFramesOptions extends InterpolationConditioning {
  /** The known frames `[1 3 k h w]`. */
  frames: Tensor<'float32'>;
  mode: MaskedFrameMode;
  frameSkip?: number | undefined;
  numFrames?: number | undefined;
}

/** Options of `InterpolationStage.interpolate`. */
export interface InterpolateOptions extends InterpolationConditioning {
  /** Keyframes `[1 3 F h w]`. */
  keyframes: Tensor<'float32'>;
  /** Default: the manifest's (5: 16 → 76 frames). */
  frameSkip?: number | undefined;
}

/** How `interpolate` cuts keyframes into windows: the one rule the stage and the run plan share. */
export interface InterpolationWindows {
  /** Windows, all sampled in one batch. */
  count: number;
  /** Known frames per window (`windowKeyframes`, default 2). */
  keyframesPerWindow: number;
  /** Frames per window: (keyframesPerWindow − 1)·skip + 1. */
  frames: number;
  /** Frames of the joined video: (keyframes − 1)·skip + 1 (neighbouring windows share a keyframe). */
  outputFrames: number;
}

/** The windows of `interpolate` for `keyframes` keyframes at a frame skip (a RangeError when they do not tile). */
export function interpolationWindows(options: {
  keyframes: number;
  windowKeyframes?: number | undefined;
  frameSkip: number;
}): InterpolationWindows {
  const { keyframes, frameSkip } = options;
  const perWindow = options.windowKeyframes ?? 2;
  if (!windowsTile(keyframes, perWindow)) {
    throw new RangeError(
      `interpolation windows of ${perWindow} keyframes do not tile ${keyframes} keyframes; use (k·${perWindow - 1} + 1) keyframes.`,
    );
  }
  return {
    count: (keyframes - 1) / (perWindow - 1),
    keyframesPerWindow: perWindow,
    frames: (perWindow - 1) * frameSkip + 1,
    outputFrames: (keyframes - 1) * frameSkip + 1,
  };
}

/**
 * The frame interpolation network ↑F: the decoder fine-tuned with 4 extra input channels (the known frames,
 * masked or blended, + a mask of them). `interpolate` raises the frame rate — F keyframes → (F − 1)·skip + 1 frames — by
 * cutting the video into windows of `windowKeyframes` known frames (known at 0, skip, …) and sampling every
 * window in ONE batched run; `fillFrames` runs one window in any mask mode (animation: first frame given;
 * interpolation: frames `skip` apart; extrapolation: the first frames given).
 */
export class InterpolationStage extends StageComponent {
  #entry() {
    return requireStage(this.context.manifest, 'interpolation');
  }

  /** One masked-frame run: the known frames in place, the rest generated. */
  async fillFrames(options: FillFramesOptions): Promise<Tensor<'float32'>> {
    const masked = maskedFrameConditioning({
      frames: options.frames,
      mode: options.mode,
      ...(options.frameSkip === undefined ? {} : { frameSkip: options.frameSkip }),
      ...(options.numFrames === undefined ? {} : { numFrames: options.numFrames }),
    });
    const output = this.#overBlend(
      await this.#sample(options, this.#feed(masked), 1),
      masked.maskedFrames,
      masked.knownFrames,
    );
    if (options.restoreKnownFrames ?? true) restore(output, masked.maskedFrames, masked.knownFrames);
    masked.mask.dispose();
    masked.conditioning.dispose();
    return output;
  }

  /** Keyframes `[1 3 F h w]` → `[1 3 (F − 1)·skip + 1 h w]`, all windows in one batch. */
  async interpolate(options: InterpolateOptions): Promise<Tensor<'float32'>> {
    const entry = this.#entry();
    const frameSkip = options.frameSkip ?? entry.frameSkip;
    const [, channels, keyframeCount, height, width] = options.keyframes.dims as [
      number,
      number,
      number,
      number,
      number,
    ];
    const plan = interpolationWindows({
      keyframes: keyframeCount,
      windowKeyframes: entry.windowKeyframes,
      frameSkip,
    });
    const perWindow = plan.keyframesPerWindow;
    const windows = plan.count;
    // 1. One window per run of known frames: [1 3 k h w] → masked frames + mask [1 4 W h w], stacked on the batch.
    const conditionings: Tensor<'float32'>[] = [];
    const maskedFrames: Tensor<'float32'>[] = [];
    let knownFrames: readonly number[] = [];
    for (let window = 0; window < windows; window++) {
      const first = window * (perWindow - 1);
      const frames = selectFrames(
        options.keyframes,
        Array.from({ length: perWindow }, (_, index) => first + index),
      );
      const masked = maskedFrameConditioning({ frames, mode: 'interpolation', frameSkip });
      conditionings.push(this.#feed(masked));
      maskedFrames.push(masked.maskedFrames);
      knownFrames = masked.knownFrames;
    }
    // 2. Every window in one run: [windows 3 W h w].
    const allMasked = stackBatch(maskedFrames);
    const batched = this.#overBlend(
      await this.#sample(options, stackBatch(conditionings), windows),
      allMasked,
      knownFrames,
    );
    const windowLength = plan.frames;
    if (options.restoreKnownFrames ?? true) restore(batched, allMasked, knownFrames);
    // 3. Windows back to one video; neighbouring windows share a keyframe, kept once.
    const numFrames = plan.outputFrames;
    const video = new Tensor({ dtype: 'float32', dims: [1, channels, numFrames, height, width] });
    const plane = height * width;
    for (let window = 0; window < windows; window++) {
      const last = window === windows - 1 ? windowLength : windowLength - 1;
      for (let channel = 0; channel < channels; channel++) {
        for (let frame = 0; frame < last; frame++) {
          const from = ((window * channels + channel) * windowLength + frame) * plane;
          const to = (channel * numFrames + window * (windowLength - 1) + frame) * plane;
          video.data.set(batched.data.subarray(from, from + plane), to);
        }
      }
    }
    return video;
  }

  /**
   * The 4 extra input channels the network was trained on: with the manifest's `frameConditioning:
   * 'blended-frames-then-mask'` the RGB channels hold the linear blend of the known frames at every frame
   * (written over the masked frames, in place), else the masked frames; then the mask.
   */
  #feed(masked: MaskedFrameConditioning): Tensor<'float32'> {
    const { conditioning } = masked;
    if (this.#entry().frameConditioning !== 'blended-frames-then-mask') return conditioning;
    const blend = blendKnownFrames(masked.maskedFrames, masked.knownFrames);
    const [batch, channels] = blend.dims as [number, number];
    const rows = blend.size / batch; // c·F·h·w per sample; the conditioning holds (c + 1)·F·h·w
    for (let sample = 0; sample < batch; sample++) {
      conditioning.data.set(
        blend.data.subarray(sample * rows, (sample + 1) * rows),
        (sample * rows * (channels + 1)) / channels,
      );
    }
    blend.dispose();
    return conditioning;
  }

  /**
   * The network's output as frames: with the manifest's `residual: 'blended-known-frames'` it sampled the
   * residual over the blend of the known frames, added back here (in place); otherwise it is the frames.
   */
  #overBlend(
    output: Tensor<'float32'>,
    maskedFrames: Tensor<'float32'>,
    knownFrames: readonly number[],
  ): Tensor<'float32'> {
    if (this.#entry().residual !== 'blended-known-frames') return output;
    const blend = blendKnownFrames(maskedFrames, knownFrames);
    for (let index = 0; index < output.size; index++) output.data[index]! += blend.data[index]!;
    blend.dispose();
    return output;
  }

  async #sample(
    options: InterpolationConditioning,
    conditioning: Tensor<'float32'>,
    batch: number,
  ): Promise<Tensor<'float32'>> {
    const entry = this.#entry();
    const [, , numFrames, height, width] = conditioning.dims as [number, number, number, number, number];
    const tokens = options.textTokens && repeatRows(options.textTokens, batch);
    const emptyTokens = options.emptyTokens && repeatRows(options.emptyTokens, batch);
    const vector = repeatRows(options.imageEmbedding, batch);
    return sampleUNet(this.context, {
      ...options,
      stage: 'interpolation',
      network: entry.network,
      entry,
      dims: [batch, 3, numFrames, height, width],
      conditional: { vector, tokens },
      unconditional: { vector: zeros(vector.dims), tokens: emptyTokens },
      fps: options.fps,
      frameConditioning: conditioning,
    });
  }
}

/** Writes the known frames of `source` `[b 3 f h w]` into `target` at their positions. */
function restore(target: Tensor<'float32'>, source: Tensor<'float32'>, knownFrames: readonly number[]): void {
  const [batch, channels, frames, height, width] = target.dims as [number, number, number, number, number];
  const plane = height * width;
  for (let b = 0; b < batch; b++)
    for (let c = 0; c < channels; c++)
      for (const frame of knownFrames) {
        const offset = ((b * channels + c) * frames + frame) * plane;
        target.data.set(source.data.subarray(offset, offset + plane), offset);
      }
}
