/**
 * The CLIP-style text encoder C_x: token + position embeddings, pre-LN transformer blocks with causal
 * self-attention and a quick-GELU MLP, a final LayerNorm; the pooled state at the end token is projected to
 * the CLIP embedding size. Names follow Hugging Face `CLIPTextModelWithProjection`.
 */
export interface TextEncoderConfig {
  /** Size of the tokenizer's vocabulary (rows of `embeddings.token_embedding.weight`). */
  vocabSize: number;
  /** Context length n: every prompt is padded or truncated to this many tokens. */
  maxLength: number;
  /** Width W of the token states. */
  width: number;
  /** Number of transformer blocks. */
  layers: number;
  /** Attention heads; must divide `width`. */
  heads: number;
  /** MLP hidden width as a multiple of `width`. Default 4. */
  mlpRatio?: number;
  /** CLIP embedding size D (`text_embeds`). */
  embeddingDim: number;
  /** Id of the end-of-text token: the pooled state is the state at this token. */
  endTokenId: number;
}

/**
 * A ViT-style CLIP image encoder: patch embedding (a stride-p convolution without bias), a class token,
 * position embeddings, a pre-LayerNorm, pre-LN blocks, a post-LayerNorm of the class token and a projection
 * to the CLIP embedding size. Names follow Hugging Face `CLIPVisionModelWithProjection`.
 */
export interface ImageEncoderConfig {
  /** Height and width of `pixel_values` (RGB in [−1, 1]). */
  imageSize: number;
  /** Patch size p; must divide `imageSize`. */
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  /** Default 4. */
  mlpRatio?: number;
  /** CLIP embedding size D (`image_embeds`). */
  embeddingDim: number;
}

/**
 * The DALL·E 2-style diffusion prior P: a transformer over the sequence
 * `[text tokens (n), text embedding, timestep embedding, noised image embedding, learned query]`, read out
 * at the learned query and projected to the CLIP embedding size. It predicts the **clean image embedding**
 * (x_0, `predictionType: 'sample'`), as in DALL·E 2.
 */
export interface PriorConfig {
  /** CLIP embedding size D of `sample`, `text_embedding` and `model_output`. */
  embeddingDim: number;
  /** Width of the text encoder's token states `text_tokens`. */
  textWidth: number;
  /** Number of text tokens n (the text encoder's `maxLength`). */
  textLength: number;
  width: number;
  layers: number;
  heads: number;
  /** Default 4. */
  mlpRatio?: number;
}

/** Throws a RangeError naming the field when a transformer config field is not a positive integer. */
export function checkPositiveIntegers(what: string, config: object, fields: readonly string[]): void {
  for (const field of fields) {
    const value = (config as Record<string, unknown>)[field];
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new RangeError(`${what}.${field} must be a positive integer, got ${String(value)}.`);
    }
  }
}

/** Checks a text encoder config; returns it with defaults filled in. */
export function resolveTextEncoderConfig(config: TextEncoderConfig): Required<TextEncoderConfig> {
  checkPositiveIntegers('textEncoder', config, [
    'vocabSize',
    'maxLength',
    'width',
    'layers',
    'heads',
    'embeddingDim',
  ]);
  checkHeads('textEncoder', config.width, config.heads);
  if (
    !Number.isSafeInteger(config.endTokenId) ||
    config.endTokenId < 0 ||
    config.endTokenId >= config.vocabSize
  ) {
    throw new RangeError(
      `textEncoder.endTokenId must be a token id below vocabSize, got ${String(config.endTokenId)}.`,
    );
  }
  return { mlpRatio: 4, ...config };
}

/** Checks an image encoder config; returns it with defaults filled in. */
export function resolveImageEncoderConfig(config: ImageEncoderConfig): Required<ImageEncoderConfig> {
  checkPositiveIntegers('imageEncoder', config, [
    'imageSize',
    'patchSize',
    'width',
    'layers',
    'heads',
    'embeddingDim',
  ]);
  checkHeads('imageEncoder', config.width, config.heads);
  if (config.imageSize % config.patchSize !== 0) {
    throw new RangeError(
      `imageEncoder.patchSize ${config.patchSize} must divide imageSize ${config.imageSize}.`,
    );
  }
  return { mlpRatio: 4, ...config };
}

/** Checks a prior config; returns it with defaults filled in. */
export function resolvePriorConfig(config: PriorConfig): Required<PriorConfig> {
  checkPositiveIntegers('prior', config, [
    'embeddingDim',
    'textWidth',
    'textLength',
    'width',
    'layers',
    'heads',
  ]);
  checkHeads('prior', config.width, config.heads);
  if (config.width % 2 !== 0) throw new RangeError(`prior.width must be even, got ${config.width}.`);
  return { mlpRatio: 4, ...config };
}

function checkHeads(what: string, width: number, heads: number): void {
  if (width % heads !== 0) {
    throw new RangeError(`${what}: ${heads} heads do not divide width ${width}.`);
  }
}
