import { Tokenizer } from '@huggingface/tokenizers';
import { Tensor } from '@mav/tensor';
import { ManifestError } from '../errors.js';

/** Options of `createPromptTokenizer`. */
export interface PromptTokenizerOptions {
  /** The parsed `tokenizer.json` (Hugging Face tokenizers format). */
  tokenizerJson: object;
  /** Context length n. */
  maxLength: number;
  /** Rows of the one-hot (the text encoder's vocabSize). */
  vocabSize: number;
  startToken?: string;
  endToken: string;
  padToken: string;
  unknownToken?: string;
}

/**
 * Turns prompts into the text encoder's input: `[start] tokens… end pad…`, exactly n ids with exactly one end
 * token (a long prompt is truncated before the end token), then one-hot `[b n V]`.
 */
export class PromptTokenizer {
  readonly maxLength: number;
  readonly vocabSize: number;
  readonly #tokenizer: Tokenizer;
  readonly #startId: number | undefined;
  readonly #endId: number;
  readonly #padId: number;
  readonly #unknownId: number | undefined;

  constructor(options: PromptTokenizerOptions) {
    try {
      this.#tokenizer = new Tokenizer(options.tokenizerJson, {});
    } catch (error) {
      throw new ManifestError(
        'invalid-tokenizer',
        `tokenizer.json cannot be loaded: ${(error as Error).message}`,
        { path: 'tokenizer.file', cause: error },
      );
    }
    this.maxLength = options.maxLength;
    this.vocabSize = options.vocabSize;
    const id = (token: string | undefined, field: string) => {
      if (token === undefined) return undefined;
      const value = this.#tokenizer.token_to_id(token);
      if (value === undefined || value >= options.vocabSize) {
        throw new ManifestError(
          'invalid-tokenizer',
          `tokenizer.${field} '${token}' is not in the tokenizer's vocabulary (below ${options.vocabSize}).`,
          { path: `tokenizer.${field}` },
        );
      }
      return value;
    };
    this.#startId = id(options.startToken, 'startToken');
    this.#endId = id(options.endToken, 'endToken')!;
    this.#padId = id(options.padToken, 'padToken')!;
    this.#unknownId = id(options.unknownToken, 'unknownToken');
    if (this.#padId === this.#endId) {
      throw new ManifestError(
        'invalid-tokenizer',
        'tokenizer.padToken must differ from tokenizer.endToken (the text encoder pools at the one end token).',
        { path: 'tokenizer.padToken' },
      );
    }
  }

  /** Id of the end token. */
  get endId(): number {
    return this.#endId;
  }

  /** The n token ids of a prompt. */
  encode(prompt: string): number[] {
    const encoded = this.#tokenizer.encode(prompt, { add_special_tokens: false });
    const body = encoded.ids.map((value) =>
      value === undefined || value === null ? this.#unknownId : Number(value),
    );
    const known = body.filter((value): value is number => value !== undefined && value < this.vocabSize);
    const prefix = this.#startId === undefined ? [] : [this.#startId];
    const room = this.maxLength - prefix.length - 1;
    const ids = [...prefix, ...known.slice(0, Math.max(room, 0)), this.#endId];
    while (ids.length < this.maxLength) ids.push(this.#padId);
    return ids.slice(0, this.maxLength);
  }

  /** One-hot `[b n V]` of prompts. */
  oneHot(prompts: readonly string[]): Tensor<'float32'> {
    const { maxLength, vocabSize } = this;
    const tensor = new Tensor({ dtype: 'float32', dims: [prompts.length, maxLength, vocabSize] });
    prompts.forEach((prompt, row) => {
      this.encode(prompt).forEach((id, position) => {
        tensor.data[(row * maxLength + position) * vocabSize + id] = 1;
      });
    });
    return tensor;
  }
}
