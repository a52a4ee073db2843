import { augmentWithNoise, sharedFrameNoise } from '@mav/diffusion';
import { randomNormalTensor, Tensor } from '@mav/tensor';
import { createScheduler } from '../scheduler-factory.js';
import { stageStreams } from '../seed-plan.js';
import {
  batchRow,
  batchToFrames,
  framesToBatch,
  repeatRows,
  resizeBilinear,
  stackBatch,
} from '../video-ops.js';
import {
  requireStage,
  StageComponent,
  type StageContext,
  type StageProgress,
  type UNetStageOptions,
} from './stage-context.js';
import { sampleUNet, zeros } from './unet-diffusion.js';

/** Options of a super-resolution run. */
export interface SuperResolutionOptions extends UNetStageOptions {
  /** `[1 3 F h w]` in [−1, 1]. */
  video: Tensor<'float32'>;
  fps?: number | undefined;
  /** Output height and width. Default: the manifest's. */
  resolution?: number | undefined;
}

/**
 * The super-resolution stages. The low-resolution video is upsampled bilinearly (half-pixel centres: the
 * manifest's `lowResUpsampling`) to the output size and noise-augmented to the manifest's `noiseLevel` with
 * the stage's own training schedule (told to the network as `noise_level`).
 *
 * - `superResolutionLow` (SR_l^t) is spatiotemporal: all frames in one run, `[1 3 F R R]`.
 * - `superResolutionHigh` (SR_h) works per frame: frames go into the batch (`[F 3 1 R R]`, or chunks of
 *   `frameBatch`), and every frame starts from the SAME noise field (`sharedFrameNoise`), so the detail it
 *   hallucinates is consistent across frames.
 */
export class SuperResolutionStage extends StageComponent {
  readonly stage: 'superResolutionLow' | 'superResolutionHigh';

  constructor(context: StageContext, stage: 'superResolutionLow' | 'superResolutionHigh') {
    super(context);
    this.stage = stage;
  }

  #entry() {
    return requireStage(this.context.manifest, this.stage);
  }

  async upscale(options: SuperResolutionOptions): Promise<Tensor<'float32'>> {
    const entry = this.#entry();
    const resolution = options.resolution ?? entry.resolution;
    const upsampled = resizeBilinear(options.video, resolution, resolution);
    const streamOffset = options.streamOffset ?? 0n;
    const augmentationStream = {
      seed: options.seed,
      stream: streamOffset + BigInt(stageStreams.augmentation),
    };
    const augmented = augmentWithNoise({
      sample: upsampled,
      noiseLevel: entry.noiseLevel,
      alphasCumulative: createScheduler(entry.scheduler).alphasCumulative,
      ...augmentationStream,
    });
    if (options.onTensor) {
      // The same stream augmentWithNoise drew from, drawn again only to be reported.
      const noise = randomNormalTensor({ ...augmentationStream, dims: upsampled.dims });
      options.onTensor({ stage: this.stage, name: 'augmentationNoise', tensor: noise });
    }
    // 'upsampled-input': the network sampled the residual over the clean upsampled input; added back here.
    const residual = entry.residual === 'upsampled-input';
    if (!residual) upsampled.dispose();
    if (this.stage === 'superResolutionLow') {
      const sample = await sampleUNet(this.context, {
        ...options,
        stage: this.stage,
        network: entry.network,
        entry,
        dims: augmented.sample.dims as [number, number, number, number, number],
        conditional: { vector: options.imageEmbedding, tokens: options.textTokens },
        unconditional: { vector: zeros(options.imageEmbedding.dims), tokens: options.emptyTokens },
        lowResolution: { sample: augmented.sample, noiseLevel: entry.noiseLevel },
      });
      if (residual) addInPlace(sample, upsampled);
      return sample;
    }
    // Per frame: [1 3 F R R] -> [F 3 1 R R], in chunks of frameBatch rows, each from the same noise field.
    const frames = framesToBatch(augmented.sample);
    const rows = frames.dims[0]!;
    const chunk = Math.min((entry as { frameBatch?: number }).frameBatch ?? rows, rows);
    const outputs: Tensor<'float32'>[] = [];
    // One progress count over all chunks: chunk c's step s is step c·steps + s of chunks·steps.
    const chunks = Math.ceil(rows / chunk);
    const stageStarted = performance.now();
    const onProgress = options.onProgress;
    // Every chunk of one size runs the same session: built once, released after the last chunk.
    await this.context.runtime.holdSessions(this.stage, async () => {
      for (let start = 0; start < rows; start += chunk) {
        const chunkIndex = start / chunk;
        const count = Math.min(chunk, rows - start);
        const lowRes = stackBatch(
          Array.from({ length: count }, (_, index) => batchRow(frames, start + index)),
        );
        const initialNoise = sharedFrameNoise({
          dims: [count, 3, 1, resolution, resolution],
          frameAxis: 0,
          seed: options.seed,
          stream: streamOffset + BigInt(stageStreams.sharedFrameNoise),
        });
        const vector = repeatRows(options.imageEmbedding, count);
        const sample = await sampleUNet(this.context, {
          ...options,
          ...(onProgress
            ? {
                onProgress: (progress: StageProgress) =>
                  onProgress({
                    ...progress,
                    step: chunkIndex * progress.totalSteps + progress.step,
                    totalSteps: chunks * progress.totalSteps,
                    elapsedMs: performance.now() - stageStarted,
                  }),
              }
            : {}),
          stage: this.stage,
          network: entry.network,
          entry,
          dims: [count, 3, 1, resolution, resolution],
          initialNoise,
          conditional: { vector, tokens: options.textTokens && repeatRows(options.textTokens, count) },
          unconditional: {
            vector: zeros(vector.dims),
            tokens: options.emptyTokens && repeatRows(options.emptyTokens, count),
          },
          lowResolution: { sample: lowRes, noiseLevel: entry.noiseLevel },
        });
        outputs.push(sample);
      }
    });
    const all = new Tensor({ dtype: 'float32', dims: [rows, 3, 1, resolution, resolution] });
    let offset = 0;
    for (const output of outputs) {
      all.data.set(output.data, offset);
      offset += output.size;
    }
    const video = batchToFrames(all, 1);
    if (residual) addInPlace(video, upsampled);
    return video;
  }
}

/** `target += addend` (same shape). */
function addInPlace(target: Tensor<'float32'>, addend: Tensor<'float32'>): void {
  if (target.size !== addend.size) {
    throw new RangeError(`cannot add ${addend.toString()} to ${target.toString()}`);
  }
  for (let index = 0; index < target.size; index++) target.data[index]! += addend.data[index]!;
  addend.dispose();
}
