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

/** What the tokenizer makes of a prompt: its ids, and what the prompt loses on the way. */
export interface PromptAnalysis {
  /** The n token ids the text encoder sees. */
  ids: number[];
  /** Words (tokens) the vocabulary lacks, in prompt order: they reach the encoder as the unknown token. */
  unknownWords: string[];
  /** Tokens cut off because the prompt is longer than the context (`maxTokens`). */
  truncatedTokens: number;
  /** Tokens of the prompt that fit: the context length minus the start and end tokens. */
  maxTokens: number;
  /** The prompt has no token at all (empty or only spaces): the result is the unconditional one. */
  empty: boolean;
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
    return this.analyze(prompt).ids;
  }

  /**
   * The ids of a prompt with what it loses: words outside the vocabulary (without an unknown token they are
   * dropped), tokens past the context length, an empty prompt.
   */
  analyze(prompt: string): PromptAnalysis {
    const encoded = this.#tokenizer.encode(prompt, { add_special_tokens: false });
    const unknownWords: string[] = [];
    const body: number[] = [];
    // Special tokens typed in the prompt are not the prompt's words: the encoder pools at the ONE end token.
    const specials = new Set([this.#startId, this.#endId, this.#padId]);
    encoded.ids.forEach((value, index) => {
      const id = value === undefined || value === null ? undefined : Number(value);
      if (id !== undefined && specials.has(id)) return;
      if (id === undefined || id === this.#unknownId || id >= this.vocabSize) {
        unknownWords.push(encoded.tokens[index] ?? '');
        if (this.#unknownId !== undefined) body.push(this.#unknownId);
      } else body.push(id);
    });
    const prefix = this.#startId === undefined ? [] : [this.#startId];
    const room = Math.max(this.maxLength - prefix.length - 1, 0);
    const ids = [...prefix, ...body.slice(0, room), this.#endId];
    while (ids.length < this.maxLength) ids.push(this.#padId);
    return {
      ids: ids.slice(0, this.maxLength),
      unknownWords,
      truncatedTokens: Math.max(body.length - room, 0),
      maxTokens: room,
      empty: encoded.ids.length === 0,
    };
  }

  /** The words the vocabulary knows (special tokens excluded), in id order. */
  vocabulary(): string[] {
    const specials = new Set(
      [this.#startId, this.#endId, this.#padId, this.#unknownId].filter((id) => id !== undefined),
    );
    const words: string[] = [];
    for (let id = 0; id < this.vocabSize; id++) {
      if (specials.has(id)) continue;
      const token = this.#tokenizer.id_to_token(id);
      if (token !== undefined) words.push(token);
    }
    return words;
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
