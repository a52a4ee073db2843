/**
 * The JSON config of a UNet. One config describes an image model (`temporalLayers: false`) or its pseudo-3D
 * video model (`temporalLayers: true`); everything else is shared, which is what makes inflation possible.
 * Field names are camelCase in JSON; see the package README for the schema.
 */
export interface UNetConfig {
  /** Channels of the `sample` input (3 for RGB pixels). */
  inChannels: number;
  /** Channels of the `model_output` output. */
  outChannels: number;
  /** Default height and width of a sample (used when `buildUNet` is not told a size). */
  sampleSize: number;
  /** Channels of the first level; level l has `baseChannels · channelMultipliers[l]`. */
  baseChannels: number;
  /** One multiplier per resolution level; each level after the first halves height and width. */
  channelMultipliers: number[];
  /** Residual blocks per level on the way down (the way up has one more per level). */
  resBlocksPerLevel: number;
  /** Indices of the levels whose blocks are followed by (pseudo-3D) attention. */
  attentionLevels: number[];
  /** Whether the middle block has attention between its two res blocks. Default true. */
  midBlockAttention?: boolean;
  /** Attention heads; must divide every level's channel count. */
  attentionHeads: number;
  /** Groups of every GroupNorm; must divide every level's channel count. */
  normGroups: number;
  /** True gives the pseudo-3D video model (temporal convs and attention); false the image model. */
  temporalLayers: boolean;
  /** Adds the `fps` input, embedded like the timestep and added to the embedding. Default false. */
  fpsConditioning?: boolean;
  /**
   * Channels of the `frame_conditioning` input concatenated to `sample` (the interpolation network's masked
   * frames and mask: 3 + 1 = 4). Default 0 (no such input).
   */
  frameConditioningChannels?: number;
  /** Conditioning inputs. Omitted: unconditional. */
  conditioning?: {
    /** Width of `conditioning_vector` `[b d]` (e.g. a CLIP image embedding), added to the embedding. */
    vectorDim?: number;
    /** Width of `conditioning_tokens` `[b m d]`, attended to by cross-attention in every attention block. */
    tokenDim?: number;
    /** Length m of `conditioning_tokens`. Required with `tokenDim`. */
    tokenLength?: number;
  };
  /**
   * Super-resolution: `low_res_sample` `[b c f h w]` (already upsampled to the output size) is concatenated to
   * `sample`, and `noise_level` `[b]` (the noise augmentation applied to it) is embedded and added.
   */
  lowResolution?: { channels: number };
  /** Kernel size of the temporal convs. Default 3. */
  temporalKernelSize?: number;
  /**
   * How each res block takes the embedding: false (default) adds its projection to the first conv's output;
   * true scales and shifts the second norm's output with it (AdaGN: `norm2(h) · (1 + scale) + shift`, the
   * projection twice as wide), which conditions more strongly.
   */
  embeddingScaleShift?: boolean;
}

/** A config with every optional field filled in. */
export type ResolvedUNetConfig = Required<Omit<UNetConfig, 'conditioning' | 'lowResolution'>> &
  Pick<UNetConfig, 'conditioning' | 'lowResolution'>;

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`config.${field} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Checks a config (as parsed from JSON) and fills in the defaults. Throws `TypeError` for a field of the wrong
 * kind and `RangeError` for an out-of-range or inconsistent one, naming the field.
 */
export function resolveUNetConfig(config: UNetConfig): ResolvedUNetConfig {
  if (typeof config !== 'object' || config === null) {
    throw new TypeError('config must be an object.');
  }
  for (const field of ['channelMultipliers', 'attentionLevels'] as const) {
    if (!Array.isArray(config[field])) throw new TypeError(`config.${field} must be an array of integers.`);
  }
  for (const field of ['temporalLayers'] as const) {
    if (typeof config[field] !== 'boolean') throw new TypeError(`config.${field} must be a boolean.`);
  }
  for (const field of ['midBlockAttention', 'fpsConditioning', 'embeddingScaleShift'] as const) {
    if (config[field] !== undefined && typeof config[field] !== 'boolean') {
      throw new TypeError(`config.${field} must be a boolean when given.`);
    }
  }
  const resolved: ResolvedUNetConfig = {
    inChannels: positiveInteger(config.inChannels, 'inChannels'),
    outChannels: positiveInteger(config.outChannels, 'outChannels'),
    sampleSize: positiveInteger(config.sampleSize, 'sampleSize'),
    baseChannels: positiveInteger(config.baseChannels, 'baseChannels'),
    channelMultipliers: config.channelMultipliers.map((value, index) =>
      positiveInteger(value, `channelMultipliers[${index}]`),
    ),
    resBlocksPerLevel: positiveInteger(config.resBlocksPerLevel, 'resBlocksPerLevel'),
    attentionLevels: [...config.attentionLevels],
    midBlockAttention: config.midBlockAttention ?? true,
    attentionHeads: positiveInteger(config.attentionHeads, 'attentionHeads'),
    normGroups: positiveInteger(config.normGroups, 'normGroups'),
    temporalLayers: config.temporalLayers,
    fpsConditioning: config.fpsConditioning ?? false,
    frameConditioningChannels: config.frameConditioningChannels ?? 0,
    temporalKernelSize: positiveInteger(config.temporalKernelSize ?? 3, 'temporalKernelSize'),
    embeddingScaleShift: config.embeddingScaleShift ?? false,
    ...(config.conditioning === undefined ? {} : { conditioning: { ...config.conditioning } }),
    ...(config.lowResolution === undefined ? {} : { lowResolution: { ...config.lowResolution } }),
  };
  if (resolved.channelMultipliers.length === 0) {
    throw new RangeError('config.channelMultipliers must have at least one level.');
  }
  resolved.attentionLevels.forEach((level, index) => {
    if (!Number.isInteger(level) || level < 0 || level >= resolved.channelMultipliers.length) {
      throw new RangeError(
        `config.attentionLevels[${index}] must be a level index below ${resolved.channelMultipliers.length}, got ${level}.`,
      );
    }
  });
  for (const multiplier of resolved.channelMultipliers) {
    const channels = resolved.baseChannels * multiplier;
    if (channels % resolved.normGroups !== 0) {
      throw new RangeError(
        `config.normGroups (${resolved.normGroups}) must divide every level's channels (${channels}).`,
      );
    }
    if (channels % resolved.attentionHeads !== 0) {
      throw new RangeError(
        `config.attentionHeads (${resolved.attentionHeads}) must divide every level's channels (${channels}).`,
      );
    }
  }
  if (resolved.baseChannels % 2 !== 0) {
    throw new RangeError(
      `config.baseChannels must be even (it sizes the sinusoidal embeddings), got ${resolved.baseChannels}.`,
    );
  }
  if (!Number.isInteger(resolved.frameConditioningChannels) || resolved.frameConditioningChannels < 0) {
    throw new RangeError(`config.frameConditioningChannels must be a non-negative integer.`);
  }
  if (resolved.temporalKernelSize % 2 !== 1) {
    throw new RangeError(`config.temporalKernelSize must be odd, got ${resolved.temporalKernelSize}.`);
  }
  const conditioning = resolved.conditioning;
  if (conditioning) {
    if (conditioning.vectorDim !== undefined)
      positiveInteger(conditioning.vectorDim, 'conditioning.vectorDim');
    if ((conditioning.tokenDim === undefined) !== (conditioning.tokenLength === undefined)) {
      throw new RangeError('config.conditioning.tokenDim and tokenLength must be given together.');
    }
    if (conditioning.tokenDim !== undefined) {
      positiveInteger(conditioning.tokenDim, 'conditioning.tokenDim');
      positiveInteger(conditioning.tokenLength, 'conditioning.tokenLength');
    }
  }
  if (resolved.lowResolution) positiveInteger(resolved.lowResolution.channels, 'lowResolution.channels');
  return resolved;
}

/**
 * The image model of a video config: the same config without temporal layers and without fps conditioning
 * (both are what inflation adds).
 */
export function imageConfigOf(config: UNetConfig): ResolvedUNetConfig {
  return { ...resolveUNetConfig(config), temporalLayers: false, fpsConditioning: false };
}
