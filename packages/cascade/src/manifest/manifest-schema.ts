import { schedulerKinds } from '@mav/diffusion';
import { z } from 'zod';

/** The format tag every manifest carries. */
export const manifestFormat = 'mav-cascade-manifest';
/** The manifest version this package reads. */
export const manifestVersion = 1;

const positiveInteger = z.number().int().positive();
const nonNegativeInteger = z.number().int().nonnegative();

/** A file relative to the manifest, with its SHA-256 (lowercase hex). */
export const modelFileSchema = z
  .object({
    file: z
      .string()
      .min(1)
      .describe('Path relative to the manifest, forward slashes, inside the model folder.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256 of 64 characters')
      .describe('SHA-256 of the file, lowercase hex.'),
  })
  .strict();

/**
 * The sampler of a diffusion stage, and the conventions the network was trained with: its noise schedule
 * (β schedule with its cap), what it predicts and the dtype of the timestep it is fed. Training writes every
 * convention explicitly, so nothing is left to a default on either side.
 */
export const schedulerSchema = z
  .object({
    kind: z.enum(schedulerKinds),
    numTrainTimesteps: positiveInteger.describe('Training timesteps T.'),
    betaSchedule: z.enum(['linear', 'scaled-linear', 'squared-cosine']),
    betaStart: z.number().positive().optional().describe('First β of a linear schedule.'),
    betaEnd: z.number().positive().optional().describe('Last β of a linear schedule.'),
    maxBeta: z
      .number()
      .positive()
      .max(1)
      .optional()
      .describe('Cap on β of the squared-cosine schedule (0.999 in Nichol & Dhariwal).'),
    predictionType: z.enum(['epsilon', 'v', 'sample']).describe('What the network predicts.'),
    timestepSpacing: z.enum(['leading', 'trailing', 'linspace']),
    timestepDtype: z
      .literal('float32')
      .describe('The dtype of the timestep input (the @mav/p3d-layers graphs take float32 t).'),
    eta: z.number().nonnegative().optional().describe('DDIM η (default 0: deterministic).'),
  })
  .strict();

/** How CLIP embeddings are conditioned before they pass between stages: `scale · x/‖x‖` or unchanged. */
export const embeddingNormalizationSchema = z
  .object({
    normalize: z
      .enum(['l2', 'none'])
      .describe("'l2': every embedding is divided by its L2 norm, then multiplied by scale."),
    scale: z.number().positive().describe('The length of a normalised embedding (√D in training).'),
  })
  .strict()
  .describe(
    'Applied to the text embedding before the prior, to the prior output before the decoders, and to image embeddings in the image modes.',
  );

/** The null condition of classifier-free guidance for the CLIP image embedding. */
const unconditionalVector = z
  .literal('zeros')
  .describe('The unconditional embedding: zeros (training drops the embedding to zeros).');

const unetConfigSchema = z
  .object({
    inChannels: positiveInteger,
    outChannels: positiveInteger,
    sampleSize: positiveInteger,
    baseChannels: positiveInteger,
    channelMultipliers: z.array(positiveInteger).min(1),
    resBlocksPerLevel: positiveInteger,
    attentionLevels: z.array(nonNegativeInteger),
    midBlockAttention: z.boolean().optional(),
    attentionHeads: positiveInteger,
    normGroups: positiveInteger,
    temporalLayers: z.boolean(),
    fpsConditioning: z.boolean().optional(),
    frameConditioningChannels: nonNegativeInteger.optional(),
    conditioning: z
      .object({
        vectorDim: positiveInteger.optional(),
        tokenDim: positiveInteger.optional(),
        tokenLength: positiveInteger.optional(),
      })
      .strict()
      .optional(),
    lowResolution: z.object({ channels: positiveInteger }).strict().optional(),
    temporalKernelSize: positiveInteger.optional(),
    embeddingScaleShift: z.boolean().optional(),
  })
  .strict()
  .describe('A @mav/p3d-layers UNetConfig.');

const transformerFields = {
  width: positiveInteger,
  layers: positiveInteger,
  heads: positiveInteger,
  mlpRatio: positiveInteger.optional(),
  embeddingDim: positiveInteger,
};

const weights = z
  .array(modelFileSchema)
  .min(1)
  .describe('Safetensors files; their tensors together are the weights.');
const diffusionFields = {
  weights,
  scheduler: schedulerSchema,
  steps: positiveInteger.describe('Default number of sampling steps.'),
  guidanceScale: z
    .number()
    .nonnegative()
    .describe('Default classifier-free guidance scale (1: no guidance).'),
};

/** How a super-resolution stage brings its input to the output size before noise augmentation. */
const lowResUpsampling = z
  .literal('bilinear-half-pixel')
  .describe('Bilinear with half-pixel centres (PyTorch align_corners=False, no antialiasing).');

/**
 * What a super-resolution network samples: absent, the output frames; 'upsampled-input', their residual over
 * the clean upsampled low-resolution input (added back after sampling, before clamping).
 */
const superResolutionResidual = z
  .literal('upsampled-input')
  .optional()
  .describe(
    'The network samples the residual over the upsampled input (before noise augmentation); absent: the frames.',
  );

/** Every stage of the manifest, as the manifest writes it. */
export const stageSchemas = {
  textEncoder: z
    .object({
      network: z
        .object({
          vocabSize: positiveInteger,
          maxLength: positiveInteger,
          endTokenId: nonNegativeInteger,
          ...transformerFields,
        })
        .strict(),
      weights,
    })
    .strict(),
  imageEncoder: z
    .object({
      network: z
        .object({ imageSize: positiveInteger, patchSize: positiveInteger, ...transformerFields })
        .strict(),
      weights,
    })
    .strict(),
  prior: z
    .object({
      network: z
        .object({
          embeddingDim: positiveInteger,
          textWidth: positiveInteger,
          textLength: positiveInteger,
          width: positiveInteger,
          layers: positiveInteger,
          heads: positiveInteger,
          mlpRatio: positiveInteger.optional(),
        })
        .strict(),
      ...diffusionFields,
    })
    .strict(),
  decoder: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      numFrames: positiveInteger.describe('Frames the decoder generates (16 in the paper).'),
      resolution: positiveInteger.describe('Height and width of its frames (64 in the paper).'),
      fps: z
        .object({ default: z.number().positive(), min: z.number().positive(), max: z.number().positive() })
        .strict()
        .describe('The fps conditioning: its default and the range training covered.'),
      unconditionalVector,
    })
    .strict(),
  imageDecoder: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      resolution: positiveInteger.describe('Height and width of its images.'),
      unconditionalVector,
    })
    .strict()
    .describe('The image decoder D of the text-to-image model the video model was inflated from.'),
  interpolation: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      frameSkip: positiveInteger.describe('Output frames per input frame step (5: 16 → 76).'),
      windowKeyframes: z.number().int().min(2).optional().describe('Known frames per window (default 2).'),
      frameConditioning: z
        .enum(['masked-frames-then-mask', 'blended-frames-then-mask'])
        .describe(
          'The 4 extra input channels: RGB (3), then the mask of the known frames (1). The RGB channels hold the known frames at their positions and zeros elsewhere (masked), or at every frame the linear blend of the known frames (`blendKnownFrames`; blended).',
        ),
      residual: z
        .literal('blended-known-frames')
        .optional()
        .describe(
          'The network samples the residual over the linear blend of the known frames (`blendKnownFrames`); absent: the frames.',
        ),
      unconditionalVector,
    })
    .strict(),
  superResolutionLow: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      resolution: positiveInteger.describe('Output height and width (256 in the paper).'),
      noiseLevel: nonNegativeInteger.describe(
        'Noise-augmentation level of the low-resolution input (a timestep of the stage schedule).',
      ),
      lowResUpsampling,
      residual: superResolutionResidual,
      unconditionalVector,
    })
    .strict(),
  superResolutionHigh: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      resolution: positiveInteger.describe('Output height and width (768 in the paper).'),
      noiseLevel: nonNegativeInteger.describe(
        'Noise-augmentation level of the low-resolution input (a timestep of the stage schedule).',
      ),
      lowResUpsampling,
      residual: superResolutionResidual,
      unconditionalVector,
      frameBatch: positiveInteger.optional().describe('Frames per run (default: all frames in one batch).'),
    })
    .strict(),
} as const;

/**
 * The stage names, in cascade order (the image encoder serves the modes that start from images; the image
 * decoder is the text-to-image model's D).
 */
export const stageNames = [
  'textEncoder',
  'imageEncoder',
  'prior',
  'imageDecoder',
  'decoder',
  'interpolation',
  'superResolutionLow',
  'superResolutionHigh',
] as const;

/** A stage of the cascade. */
export type StageName = (typeof stageNames)[number];

/** The JSON model manifest, version 1 (see the package README for every field). */
export const modelManifestSchema = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(manifestFormat),
    version: z.literal(manifestVersion),
    name: z.string().min(1),
    description: z.string().optional(),
    clipEmbeddingDim: positiveInteger.describe('Size D of the CLIP text and image embeddings.'),
    embeddings: embeddingNormalizationSchema,
    tokenizer: z
      .object({
        file: z.string().min(1).describe('A Hugging Face tokenizer.json, relative to the manifest.'),
        sha256: modelFileSchema.shape.sha256,
        startToken: z.string().optional().describe('Prepended to every prompt when given.'),
        endToken: z
          .string()
          .describe('Appended to every prompt; its id must be the text encoder endTokenId.'),
        padToken: z.string().describe('Pads prompts to maxLength; must differ from endToken.'),
        unknownToken: z
          .string()
          .optional()
          .describe('Stands for words the vocabulary lacks (they are reported, then dropped).'),
      })
      .strict(),
    stages: z
      .object({
        textEncoder: stageSchemas.textEncoder,
        imageEncoder: stageSchemas.imageEncoder.optional(),
        prior: stageSchemas.prior.optional(),
        imageDecoder: stageSchemas.imageDecoder.optional(),
        decoder: stageSchemas.decoder.optional(),
        interpolation: stageSchemas.interpolation.optional(),
        superResolutionLow: stageSchemas.superResolutionLow.optional(),
        superResolutionHigh: stageSchemas.superResolutionHigh.optional(),
      })
      .strict(),
    missing: z
      .array(z.enum(stageNames))
      .optional()
      .describe('Stages the model does not have yet (not trained): the modes that need them say so.'),
  })
  .strict();

/** A validated model manifest. */
export type ModelManifest = z.infer<typeof modelManifestSchema>;
/** One weight file entry. */
export type ModelFile = z.infer<typeof modelFileSchema>;
/** A diffusion stage's scheduler entry. */
export type SchedulerManifest = z.infer<typeof schedulerSchema>;
/** How embeddings are normalised between stages. */
export type EmbeddingNormalization = z.infer<typeof embeddingNormalizationSchema>;
