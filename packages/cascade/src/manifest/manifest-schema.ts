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

/** The sampler of a diffusion stage (the training schedule and how the model was trained). */
export const schedulerSchema = z
  .object({
    kind: z.enum(['ddim', 'ddpm', 'dpm-solver++', 'euler', 'euler-ancestral']),
    numTrainTimesteps: positiveInteger.optional(),
    betaSchedule: z.enum(['linear', 'scaled-linear', 'squared-cosine']).optional(),
    betaStart: z.number().positive().optional(),
    betaEnd: z.number().positive().optional(),
    predictionType: z.enum(['epsilon', 'v', 'sample']).optional(),
    timestepSpacing: z.enum(['leading', 'trailing', 'linspace']).optional(),
    eta: z.number().nonnegative().optional().describe('DDIM η (default 0: deterministic).'),
  })
  .strict();

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
      fps: z.number().positive().describe('Default fps conditioning.'),
    })
    .strict(),
  interpolation: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      frameSkip: positiveInteger.describe('Output frames per input frame step (5: 16 → 76).'),
      windowKeyframes: z.number().int().min(2).optional().describe('Known frames per window (default 2).'),
    })
    .strict(),
  superResolutionLow: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      resolution: positiveInteger.describe('Output height and width (256 in the paper).'),
      noiseLevel: nonNegativeInteger.describe('Noise-augmentation level of the low-resolution input.'),
    })
    .strict(),
  superResolutionHigh: z
    .object({
      network: unetConfigSchema,
      ...diffusionFields,
      resolution: positiveInteger.describe('Output height and width (768 in the paper).'),
      noiseLevel: nonNegativeInteger,
      frameBatch: positiveInteger.optional().describe('Frames per run (default: all frames in one batch).'),
    })
    .strict(),
} as const;

/** The stage names, in cascade order (the image encoder serves the modes that start from images). */
export const stageNames = [
  'textEncoder',
  'imageEncoder',
  'prior',
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
    tokenizer: z
      .object({
        file: z.string().min(1).describe('A Hugging Face tokenizer.json, relative to the manifest.'),
        sha256: modelFileSchema.shape.sha256,
        startToken: z.string().optional().describe('Prepended to every prompt when given.'),
        endToken: z
          .string()
          .describe('Appended to every prompt; its id must be the text encoder endTokenId.'),
        padToken: z.string().describe('Pads prompts to maxLength; must differ from endToken.'),
        unknownToken: z.string().optional().describe('Replaces words the vocabulary lacks.'),
      })
      .strict(),
    stages: z
      .object({
        textEncoder: stageSchemas.textEncoder,
        imageEncoder: stageSchemas.imageEncoder.optional(),
        prior: stageSchemas.prior,
        decoder: stageSchemas.decoder,
        interpolation: stageSchemas.interpolation.optional(),
        superResolutionLow: stageSchemas.superResolutionLow.optional(),
        superResolutionHigh: stageSchemas.superResolutionHigh.optional(),
      })
      .strict(),
  })
  .strict();

/** A validated model manifest. */
export type ModelManifest = z.infer<typeof modelManifestSchema>;
/** One weight file entry. */
export type ModelFile = z.infer<typeof modelFileSchema>;
/** A diffusion stage's scheduler entry. */
export type SchedulerManifest = z.infer<typeof schedulerSchema>;
