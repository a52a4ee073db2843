import { resolveUNetConfig, type UNetConfig } from '@mav/p3d-layers';
import type { z } from 'zod';
import { ManifestError } from '../errors.js';
import { type ModelManifest, manifestVersion, modelManifestSchema, stageNames } from './manifest-schema.js';
import { resolveModelPath } from './model-path.js';

/**
 * Parses and validates a model manifest (JSON text or an object): the schema (zod), the version, every file
 * path (inside the model folder), and that the stages fit together (embedding sizes, token shapes, channels,
 * resolutions). Throws `ManifestError` with a reason code and the offending field.
 */
export function parseManifest(input: ModelManifest | string | unknown): ModelManifest {
  // 1. JSON.
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ManifestError('invalid-json', `The manifest is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (typeof value !== 'object' || value === null) {
    throw new ManifestError(
      'schema',
      `The manifest must be a JSON object, got ${value === null ? 'null' : typeof value}.`,
    );
  }
  // 2. Version first, so an old or new manifest gets a clear message rather than a list of schema issues.
  const version = (value as { version?: unknown }).version;
  if (version !== manifestVersion) {
    throw new ManifestError(
      'unsupported-version',
      `Manifest version ${String(version)} is not supported; this @mav/cascade reads version ${manifestVersion}.`,
      { path: 'version' },
    );
  }
  // 3. Unknown stages, named.
  const stages = (value as { stages?: unknown }).stages;
  if (typeof stages === 'object' && stages !== null) {
    const unknown = Object.keys(stages).filter((name) => !(stageNames as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new ManifestError(
        'unknown-stage',
        `Unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `'${name}'`).join(', ')} in the manifest; known stages: ${stageNames.join(', ')}.`,
        { path: `stages.${unknown[0]}` },
      );
    }
  }
  // 4. Schema.
  const parsed = modelManifestSchema.safeParse(value);
  if (!parsed.success) throw schemaError(parsed.error);
  const manifest = parsed.data;
  // 5. Paths and shapes.
  for (const { file, path } of manifestFiles(manifest)) resolveModelPath(file, path);
  checkShapes(manifest);
  return manifest;
}

/** Every file a manifest names, with the field that names it. */
export function manifestFiles(manifest: ModelManifest): { file: string; sha256: string; path: string }[] {
  const files = [
    { file: manifest.tokenizer.file, sha256: manifest.tokenizer.sha256, path: 'tokenizer.file' },
  ];
  for (const name of stageNames) {
    const stage = manifest.stages[name];
    stage?.weights.forEach((entry, index) => {
      files.push({ file: entry.file, sha256: entry.sha256, path: `stages.${name}.weights[${index}].file` });
    });
  }
  return files;
}

function schemaError(error: z.ZodError): ManifestError {
  const issues = error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  return new ManifestError('schema', `The manifest does not match the schema:\n  ${issues.join('\n  ')}`, {
    path: formatPath(error.issues[0]?.path ?? []),
    cause: error,
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function checkShapes(manifest: ModelManifest): void {
  const { stages, clipEmbeddingDim } = manifest;
  const text = stages.textEncoder.network;
  const expect = (condition: boolean, path: string, message: string) => {
    if (!condition) throw new ManifestError('inconsistent-shapes', `${path}: ${message}`, { path });
  };
  const embedding = (actual: number | undefined, path: string) =>
    expect(
      actual === clipEmbeddingDim,
      path,
      `is ${String(actual)}, must equal clipEmbeddingDim ${clipEmbeddingDim}.`,
    );
  embedding(text.embeddingDim, 'stages.textEncoder.network.embeddingDim');
  if (stages.imageEncoder)
    embedding(stages.imageEncoder.network.embeddingDim, 'stages.imageEncoder.network.embeddingDim');
  const prior = stages.prior.network;
  embedding(prior.embeddingDim, 'stages.prior.network.embeddingDim');
  expect(
    prior.textWidth === text.width,
    'stages.prior.network.textWidth',
    `is ${prior.textWidth}, must equal the text encoder width ${text.width}.`,
  );
  expect(
    prior.textLength === text.maxLength,
    'stages.prior.network.textLength',
    `is ${prior.textLength}, must equal the text encoder maxLength ${text.maxLength}.`,
  );
  if (stages.prior.scheduler.predictionType !== undefined) {
    expect(
      stages.prior.scheduler.predictionType === 'sample',
      'stages.prior.scheduler.predictionType',
      "must be 'sample': the prior predicts the clean image embedding.",
    );
  }

  const unet = (
    name: 'decoder' | 'interpolation' | 'superResolutionLow' | 'superResolutionHigh',
    config: UNetConfig,
    rules: { temporal: boolean; frameChannels: number; lowRes: boolean; resolution: number },
  ) => {
    const path = `stages.${name}.network`;
    let resolved: ReturnType<typeof resolveUNetConfig>;
    try {
      resolved = resolveUNetConfig(config);
    } catch (error) {
      throw new ManifestError('inconsistent-shapes', `${path}: ${(error as Error).message}`, {
        path,
        cause: error,
      });
    }
    expect(
      resolved.inChannels === 3 && resolved.outChannels === 3,
      path,
      `must have 3 input and 3 output channels (RGB), has ${resolved.inChannels} and ${resolved.outChannels}.`,
    );
    expect(
      resolved.temporalLayers === rules.temporal,
      `${path}.temporalLayers`,
      `must be ${rules.temporal} for the ${name} stage.`,
    );
    expect(
      resolved.frameConditioningChannels === rules.frameChannels,
      `${path}.frameConditioningChannels`,
      `must be ${rules.frameChannels} for the ${name} stage, is ${resolved.frameConditioningChannels}.`,
    );
    expect(
      (resolved.lowResolution?.channels ?? 0) === (rules.lowRes ? 3 : 0),
      `${path}.lowResolution`,
      rules.lowRes
        ? 'must be { channels: 3 } for a super-resolution stage.'
        : `must be absent for the ${name} stage.`,
    );
    const vectorDim = resolved.conditioning?.vectorDim;
    if (vectorDim !== undefined) embedding(vectorDim, `${path}.conditioning.vectorDim`);
    if (resolved.conditioning?.tokenDim !== undefined) {
      expect(
        resolved.conditioning.tokenDim === text.width,
        `${path}.conditioning.tokenDim`,
        `is ${resolved.conditioning.tokenDim}, must equal the text encoder width ${text.width}.`,
      );
      expect(
        resolved.conditioning.tokenLength === text.maxLength,
        `${path}.conditioning.tokenLength`,
        `is ${String(resolved.conditioning.tokenLength)}, must equal the text encoder maxLength ${text.maxLength}.`,
      );
    }
    const multiple = 2 ** (resolved.channelMultipliers.length - 1);
    expect(
      rules.resolution % multiple === 0,
      `stages.${name}.resolution`,
      `${rules.resolution} must be a multiple of ${multiple} (2^(levels − 1)).`,
    );
  };
  const decoder = stages.decoder;
  unet('decoder', decoder.network, {
    temporal: true,
    frameChannels: 0,
    lowRes: false,
    resolution: decoder.resolution,
  });
  expect(
    decoder.network.conditioning?.vectorDim !== undefined,
    'stages.decoder.network.conditioning.vectorDim',
    'the decoder is conditioned on the CLIP image embedding; set conditioning.vectorDim.',
  );
  if (stages.interpolation) {
    unet('interpolation', stages.interpolation.network, {
      temporal: true,
      frameChannels: 4,
      lowRes: false,
      resolution: decoder.resolution,
    });
  }
  let previous = decoder.resolution;
  if (stages.superResolutionLow) {
    const stage = stages.superResolutionLow;
    unet('superResolutionLow', stage.network, {
      temporal: true,
      frameChannels: 0,
      lowRes: true,
      resolution: stage.resolution,
    });
    expect(
      stage.resolution >= previous,
      'stages.superResolutionLow.resolution',
      `${stage.resolution} is below the decoder resolution ${previous}.`,
    );
    previous = stage.resolution;
  }
  if (stages.superResolutionHigh) {
    const stage = stages.superResolutionHigh;
    expect(
      stages.superResolutionLow !== undefined,
      'stages.superResolutionHigh',
      'needs stages.superResolutionLow before it.',
    );
    unet('superResolutionHigh', stage.network, {
      temporal: false,
      frameChannels: 0,
      lowRes: true,
      resolution: stage.resolution,
    });
    expect(
      stage.resolution >= previous,
      'stages.superResolutionHigh.resolution',
      `${stage.resolution} is below the previous resolution ${previous}.`,
    );
  }
}
