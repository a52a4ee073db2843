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
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new ManifestError('schema', `The manifest must be a JSON object, got ${kind}.`);
  }
  // 2. Version first, so an old or new manifest gets a clear message rather than a list of schema issues.
  const version = (value as { version?: unknown }).version;
  if (version !== manifestVersion) {
    throw new ManifestError(
      'unsupported-version',
      version === undefined
        ? `The manifest has no version; this @mav/cascade reads version ${manifestVersion}.`
        : `Manifest version ${JSON.stringify(version)} is not supported; this @mav/cascade reads version ${manifestVersion}.`,
      { path: 'version' },
    );
  }
  // 3. Schema: every problem, each with its JSON path, in one error.
  const parsed = modelManifestSchema.safeParse(value);
  if (!parsed.success) throw schemaError(parsed.error, value);
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

function schemaError(error: z.ZodError, input: unknown): ManifestError {
  const problems = error.issues.flatMap((issue) => describeIssue(issue, input));
  const count = problems.length;
  const onlyUnknownStages = error.issues.every(
    (issue) => issue.code === 'unrecognized_keys' && formatPath(issue.path) === 'stages',
  );
  return new ManifestError(
    onlyUnknownStages ? 'unknown-stage' : 'schema',
    `The manifest does not match the schema (${count} problem${count === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    { path: formatPath(error.issues[0]?.path ?? []), cause: error },
  );
}

/** One line per problem: `stages.decoder.resolution: expected number, got array`. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string[] {
  const path = formatPath(issue.path);
  const at = (key: PropertyKey) => formatPath([...issue.path, key]);
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(input, issue.path);
      return [
        `${path || '(root)'}: expected ${issue.expected}, got ${actual.found ? kindOf(actual.value) : 'nothing (the field is missing)'}`,
      ];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        formatPath(issue.path) === 'stages'
          ? `${at(key)}: unknown stage; known stages: ${stageNames.join(', ')}`
          : `${at(key)}: unknown field`,
      );
    case 'invalid_value':
      return [
        `${path}: expected ${issue.values.map((option) => JSON.stringify(option)).join(' or ')}, got ${JSON.stringify(valueAt(input, issue.path).value)}`,
      ];
    default:
      return [`${path || '(root)'}: ${issue.message}`];
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let value: unknown = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !(key in value)) return { found: false, value };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return `number ${value}`;
  return typeof value;
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
  for (const name of manifest.missing ?? []) {
    expect(stages[name] === undefined, `missing`, `lists '${name}', which the manifest has under stages.`);
  }
  embedding(text.embeddingDim, 'stages.textEncoder.network.embeddingDim');
  if (stages.imageEncoder)
    embedding(stages.imageEncoder.network.embeddingDim, 'stages.imageEncoder.network.embeddingDim');
  if (stages.prior) {
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
    expect(
      stages.prior.scheduler.predictionType === 'sample',
      'stages.prior.scheduler.predictionType',
      "must be 'sample': the prior predicts the clean image embedding.",
    );
  }

  const unet = (
    name: 'decoder' | 'imageDecoder' | 'interpolation' | 'superResolutionLow' | 'superResolutionHigh',
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
  if (stages.interpolation) {
    expect(
      decoder !== undefined,
      'stages.interpolation',
      'needs stages.decoder (its keyframe size and fps).',
    );
  }
  // Each UNet stage's rules: temporal layers, extra input channels, low-resolution input, its size, and
  // whether it is conditioned on the CLIP image embedding.
  const rules = [
    ['decoder', { temporal: true, frameChannels: 0, lowRes: false, conditioned: true }],
    ['imageDecoder', { temporal: false, frameChannels: 0, lowRes: false, conditioned: true }],
    ['interpolation', { temporal: true, frameChannels: 4, lowRes: false, conditioned: false }],
    ['superResolutionLow', { temporal: true, frameChannels: 0, lowRes: true, conditioned: false }],
    ['superResolutionHigh', { temporal: false, frameChannels: 0, lowRes: true, conditioned: false }],
  ] as const;
  let previous = decoder?.resolution ?? stages.imageDecoder?.resolution ?? 1;
  for (const [name, rule] of rules) {
    const stage = stages[name];
    if (stage === undefined) continue;
    const resolution = 'resolution' in stage ? stage.resolution : decoder!.resolution;
    unet(name, stage.network, { ...rule, resolution });
    if (rule.conditioned) {
      expect(
        stage.network.conditioning?.vectorDim !== undefined,
        `stages.${name}.network.conditioning.vectorDim`,
        `the ${name} stage is conditioned on the CLIP image embedding; set conditioning.vectorDim.`,
      );
    }
    if (rule.lowRes) {
      expect(
        resolution >= previous,
        `stages.${name}.resolution`,
        `${resolution} is below the resolution ${previous} of the stage before it.`,
      );
      previous = resolution;
    }
  }
  if (decoder) {
    const { fps } = decoder;
    expect(
      fps.min <= fps.default && fps.default <= fps.max,
      'stages.decoder.fps',
      `default ${fps.default} must lie in [min ${fps.min}, max ${fps.max}].`,
    );
  }
}
