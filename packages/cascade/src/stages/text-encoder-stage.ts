import { buildTransformer, textEncoderNames } from '@mav/p3d-layers';
import { type Tensor, throwIfAborted } from '@mav/tensor';
import { normalizeEmbeddings } from '../embedding-normalization.js';
import type { PromptTokenizer } from '../tokenizer/prompt-tokenizer.js';
import { type StageContext, type StageRunOptions, stageWeights } from './stage-context.js';

/** What the text encoder returns for a batch of prompts. */
export interface TextEncoding {
  /** `[b D]`: the CLIP text embedding x_e, normalised as the manifest's `embeddings` says. */
  embedding: Tensor<'float32'>;
  /** `[b n W]`: the token states, for the prior and cross-attention. */
  tokens: Tensor<'float32'>;
}

/** The text encoder C_x: prompts → tokens (BPE / word level, from `tokenizer.json`) → embedding and token states. */
export class TextEncoderStage {
  readonly #context: StageContext;
  readonly tokenizer: PromptTokenizer;

  constructor(context: StageContext, tokenizer: PromptTokenizer) {
    this.#context = context;
    this.tokenizer = tokenizer;
  }

  /** Encodes prompts (one run, batch = number of prompts); the embeddings come out normalised. */
  async encode(prompts: readonly string[], options: StageRunOptions = {}): Promise<TextEncoding> {
    if (
      !Array.isArray(prompts) ||
      prompts.length === 0 ||
      prompts.some((prompt) => typeof prompt !== 'string')
    ) {
      throw new TypeError('prompts must be a non-empty array of strings.');
    }
    throwIfAborted(options.signal, 'Text encoding');
    const started = performance.now();
    const config = this.#context.manifest.stages.textEncoder.network;
    const weights = stageWeights(this.#context, 'textEncoder');
    const input = this.tokenizer.oneHot(prompts);
    const outputs = await this.#context.runtime.withSession(
      'textEncoder',
      `${prompts.length}`,
      () =>
        buildTransformer({ network: { kind: 'textEncoder', config }, weights, batch: prompts.length })
          .modelBytes,
      (session) =>
        session.run({ [textEncoderNames.input]: input }, options.signal ? { signal: options.signal } : {}),
    );
    input.dispose();
    const raw = (await outputs[textEncoderNames.embedding]!.toHost()) as Tensor<'float32'>;
    const embedding = normalizeEmbeddings(raw, this.#context.manifest.embeddings);
    raw.dispose();
    const tokens = (await outputs[textEncoderNames.tokens]!.toHost()) as Tensor<'float32'>;
    options.onTensor?.({ stage: 'textEncoder', name: 'embedding', tensor: embedding });
    options.onTensor?.({ stage: 'textEncoder', name: 'tokens', tensor: tokens });
    options.onProgress?.({
      stage: 'textEncoder',
      step: 1,
      totalSteps: 1,
      elapsedMs: performance.now() - started,
    });
    return { embedding, tokens };
  }
}
