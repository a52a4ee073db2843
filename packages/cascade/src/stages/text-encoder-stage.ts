import { textEncoderNames } from '@mav/p3d-layers';
import { type Tensor, throwIfAborted } from '@mav/tensor';
import type { PromptTokenizer } from '../tokenizer/prompt-tokenizer.js';
import { runEncoder } from './encoder-run.js';
import { StageComponent, type StageContext, type StageRunOptions } from './stage-context.js';

/** What the text encoder returns for a batch of prompts. */
export interface TextEncoding {
  /** `[b D]`: the CLIP text embedding x_e, normalised as the manifest's `embeddings` says. */
  embedding: Tensor<'float32'>;
  /** `[b n W]`: the token states, for the prior and cross-attention. */
  tokens: Tensor<'float32'>;
}

/** The text encoder C_x: prompts → tokens (BPE / word level, from `tokenizer.json`) → embedding and token states. */
export class TextEncoderStage extends StageComponent {
  readonly tokenizer: PromptTokenizer;

  constructor(context: StageContext, tokenizer: PromptTokenizer) {
    super(context);
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
    const config = this.context.manifest.stages.textEncoder.network;
    const { embedding, others } = await runEncoder(this.context, {
      stage: 'textEncoder',
      network: { kind: 'textEncoder', config },
      batch: prompts.length,
      input: { name: textEncoderNames.input, tensor: this.tokenizer.oneHot(prompts) },
      embeddingOutput: textEncoderNames.embedding,
      otherOutputs: [textEncoderNames.tokens],
      run: options,
    });
    const tokens = others[textEncoderNames.tokens]!;
    options.onTensor?.({ stage: 'textEncoder', name: 'tokens', tensor: tokens });
    return { embedding, tokens };
  }
}
