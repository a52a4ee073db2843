import { QualityError } from '../errors.js';

/** The attributes the classifier judges, in the order of its heads. */
export const judgeAttributes = ['shape', 'colour', 'size', 'background'] as const;

/** One of `judgeAttributes`. */
export type JudgeAttribute = (typeof judgeAttributes)[number];

/**
 * The classifier's architecture and class names, as `judge.json` stores them (written by
 * `python3 -m mav_train.judges train`, whose `network.py` declares the same network in PyTorch).
 */
export interface JudgeConfig {
  /** Side frames are brought to (area averaging) before the locator finds their object (32). */
  frameSize: number;
  /** Side of the object-centred crop the network reads (24). */
  cropSize: number;
  /** Output channels of the 3×3 convolutions conv1, conv2, … */
  channels: number[];
  /** Stride of each convolution (1 or 2). */
  strides: number[];
  /** Width of the feature layer (the Fréchet features). */
  featureDim: number;
  /** Class names of every head, in logit order (the world's own tables). */
  labels: Record<JudgeAttribute, string[]>;
}

/** `judge.json`: format, config, and how the weights were trained and how accurate they are. */
export interface JudgeDescription {
  format: 'mav-judge';
  version: 1;
  config: JudgeConfig;
  parameters?: number;
  training?: Record<string, unknown>;
  evaluation?: { evalCount: number; accuracy: Record<string, Record<JudgeAttribute, number>> };
}

/** Parses and checks `judge.json` text; `file` names it in errors. */
export function parseJudgeDescription(text: string, file = 'judge.json'): JudgeDescription {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new QualityError('invalid-judge', `${file} is not JSON: ${String(cause)}.`, { file, cause });
  }
  const description = value as Partial<JudgeDescription>;
  if (description?.format !== 'mav-judge' || description.version !== 1) {
    throw new QualityError('invalid-judge', `${file}: expected format 'mav-judge' version 1.`, { file });
  }
  const config = description.config as Partial<JudgeConfig> | undefined;
  const problems: string[] = [];
  if (!Number.isInteger(config?.frameSize) || (config?.frameSize ?? 0) < 1)
    problems.push('config.frameSize: expected a positive integer');
  if (!Number.isInteger(config?.cropSize) || (config?.cropSize ?? 0) < 1)
    problems.push('config.cropSize: expected a positive integer');
  const channels = config?.channels;
  const strides = config?.strides;
  if (!Array.isArray(channels) || channels.length < 1 || !channels.every((c) => Number.isInteger(c) && c > 0))
    problems.push('config.channels: expected positive channel counts');
  if (
    !Array.isArray(strides) ||
    strides.length !== channels?.length ||
    !strides.every((s) => s === 1 || s === 2)
  )
    problems.push('config.strides: expected one stride (1 or 2) per convolution');
  if (!Number.isInteger(config?.featureDim)) problems.push('config.featureDim: expected an integer');
  for (const attribute of judgeAttributes) {
    const labels = config?.labels?.[attribute];
    if (!Array.isArray(labels) || labels.length < 2 || labels.some((label) => typeof label !== 'string'))
      problems.push(`config.labels.${attribute}: expected at least 2 class names`);
  }
  if (problems.length > 0) {
    throw new QualityError('invalid-judge', `${file}: ${problems.join('; ')}.`, { file });
  }
  return description as JudgeDescription;
}
