import { type ClassifierFreeGuidanceConfig, denoise, guidanceRows, isGuided } from '@mav/diffusion';
import { buildTransformer, priorNames } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { normalizeEmbeddings } from '../embedding-normalization.js';
import { createScheduler } from '../scheduler-factory.js';
import { requireStage, type SamplingOptions, StageComponent, stageWeights } from './stage-context.js';
import type { TextEncoding } from './text-encoder-stage.js';
import { drawInitialNoise, loopOptions } from './unet-diffusion.js';

/** Options of `PriorStage.sample`. */
export interface PriorSampleOptions extends SamplingOptions {
  /** The prompt's encoding (batch 1). */
  text: TextEncoding;
  /** The empty prompt's encoding: the null condition of classifier-free guidance. */
  emptyText: TextEncoding;
}

/**
 * The diffusion prior P: (x_e, x̂) → the CLIP image embedding y_e `[1 D]`, sampled with the manifest's
 * scheduler (the network predicts the clean embedding: `predictionType: 'sample'`) and classifier-free
 * guidance against the empty prompt. Its output is normalised like every embedding (the manifest's
 * `embeddings`) before the decoders see it.
 */
export class PriorStage extends StageComponent {
  async sample(options: PriorSampleOptions): Promise<Tensor<'float32'>> {
    const entry = requireStage(this.context.manifest, 'prior');
    const steps = options.steps ?? entry.steps;
    const guidanceScale = options.guidanceScale ?? entry.guidanceScale;
    const guided = isGuided(guidanceScale);
    const conditional = {
      [priorNames.textEmbedding]: options.text.embedding,
      [priorNames.textTokens]: options.text.tokens,
    };
    const unconditional = {
      [priorNames.textEmbedding]: options.emptyText.embedding,
      [priorNames.textTokens]: options.emptyText.tokens,
    };
    const guidance: ClassifierFreeGuidanceConfig | undefined = guided
      ? { guidanceScale, conditionalFeeds: conditional, unconditionalFeeds: unconditional }
      : undefined;
    const weights = stageWeights(this.context, 'prior');
    const rows = guidanceRows({ batch: 1, guidanceScale });
    const started = performance.now();
    const dims = [1, entry.network.embeddingDim] as const;
    const initialNoise = drawInitialNoise(dims, options.seed, options.streamOffset);
    options.onTensor?.({ stage: 'prior', name: 'initialNoise', tensor: initialNoise });
    const result = await this.context.runtime.withSession(
      'prior',
      `${rows}`,
      () => buildTransformer({ network: { kind: 'prior', config: entry.network }, weights, batch: rows }),
      (session) =>
        denoise({
          session,
          scheduler: createScheduler(entry.scheduler),
          model: {
            sampleInput: priorNames.sample,
            timestepInput: { name: priorNames.timestep, dtype: 'float32' },
            output: priorNames.output,
            constantFeeds: guided ? {} : conditional,
          },
          numInferenceSteps: steps,
          initialNoise,
          ...(guidance ? { guidance } : {}),
          ...loopOptions('prior', options, started),
        }),
    );
    const embedding = normalizeEmbeddings(result.sample, this.context.manifest.embeddings);
    result.sample.dispose();
    options.onTensor?.({ stage: 'prior', name: 'output', tensor: embedding });
    return embedding;
  }
}
