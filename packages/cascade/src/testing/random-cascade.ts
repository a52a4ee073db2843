import { initTransformerWeights, initUNetWeights, type UNetConfig, writeSafetensors } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { sha256Hex } from '../files/model-file-source.js';
import { type ModelManifest, manifestFormat, manifestVersion } from '../manifest/manifest-schema.js';
import { identityInterpolationConfig, identityInterpolationWeights } from './identity-interpolation.js';

/** Options of `createRandomCascade`. */
export interface RandomCascadeOptions {
  seed: number;
  /**
   * 'tiny': 16 keyframes at 8², ↑F to 76 frames, SR_l to 16², SR_h to 32² (a few seconds on 2 CPU cores).
   * 'small': 16 keyframes at 16², SR_l to 32², SR_h to 64².
   */
  preset: 'tiny' | 'small';
  /** 'identity' gives ↑F the weights of `identityInterpolationWeights` (it outputs its known frames). */
  interpolation?: 'random' | 'identity';
  /**
   * Overrides the preset's sizes (e.g. the paper's 64 → 256 → 768): keyframe size, SR_l^t and SR_h output
   * sizes. Each must be divisible by 2 (the UNets have two levels).
   */
  resolutions?: { decoder: number; superResolutionLow: number; superResolutionHigh: number };
  /**
   * 'minimal': UNets of 4 base channels without attention and 1 sampling step per stage, so that large
   * configured sizes run in seconds (shape tests). Default 'default'.
   */
  networks?: 'default' | 'minimal';
}

/** A model in memory: the manifest and its files by name. */
export interface RandomCascade {
  manifest: ModelManifest;
  files: Map<string, Uint8Array>;
}

/** The words of the random cascade's word-level tokenizer. */
export const randomCascadeWords = [
  'a',
  'an',
  'the',
  'red',
  'green',
  'blue',
  'yellow',
  'white',
  'black',
  'circle',
  'square',
  'triangle',
  'star',
  'ball',
  'moving',
  'bouncing',
  'rotating',
  'growing',
  'shrinking',
  'left',
  'right',
  'up',
  'down',
  'on',
  'background',
  'fast',
  'slow',
  'small',
  'big',
  'and',
];

/** A Hugging Face `tokenizer.json` (word level, lowercase, whitespace split) over `words`. */
export function wordLevelTokenizerJson(words: readonly string[]): object {
  const specials = ['<pad>', '<start>', '<end>', '<unk>'];
  const vocab: Record<string, number> = {};
  [...specials, ...words].forEach((token, id) => {
    vocab[token] = id;
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
}

function unet(options: {
  sampleSize: number;
  vectorDim: number;
  minimal: boolean;
  extra?: Partial<UNetConfig>;
}): UNetConfig {
  const size: Partial<UNetConfig> = options.minimal
    ? { baseChannels: 4, attentionLevels: [], midBlockAttention: false }
    : {};
  return {
    inChannels: 3,
    outChannels: 3,
    sampleSize: options.sampleSize,
    baseChannels: 8,
    channelMultipliers: [1, 2],
    resBlocksPerLevel: 1,
    attentionLevels: [1],
    attentionHeads: 2,
    normGroups: 2,
    temporalLayers: true,
    fpsConditioning: true,
    conditioning: { vectorDim: options.vectorDim },
    ...size,
    ...options.extra,
  };
}

/**
 * A complete random-weight cascade, generated in memory (no binary fixtures): a word-level tokenizer, every
 * stage's network config and seeded weights (`initUNetWeights` / `initTransformerWeights`) as safetensors with
 * their SHA-256 in a valid manifest. For tests and demos: its videos are noise-like, but every shape, mode and
 * code path is the real one.
 */
export async function createRandomCascade(options: RandomCascadeOptions): Promise<RandomCascade> {
  const { seed } = options;
  const base = options.preset === 'small' ? 16 : 8;
  const resolutions = options.resolutions ?? {
    decoder: base,
    superResolutionLow: 2 * base,
    superResolutionHigh: 4 * base,
  };
  const minimal = options.networks === 'minimal';
  const steps = minimal ? 1 : 2;
  const embeddingDim = 16;
  const maxLength = 8;
  const words = randomCascadeWords;
  const vocabSize = words.length + 4;
  const files = new Map<string, Uint8Array>();
  const add = async (file: string, bytes: Uint8Array) => {
    files.set(file, bytes);
    return { file, sha256: await sha256Hex(bytes) };
  };
  const weightsFile = async (file: string, weights: Record<string, Tensor>) => [
    await add(file, writeSafetensors(weights, { format: 'pt' })),
  ];
  const tokenizer = await add(
    'tokenizer.json',
    new TextEncoder().encode(JSON.stringify(wordLevelTokenizerJson(words))),
  );

  const textNetwork = { vocabSize, maxLength, endTokenId: 2, width: 16, layers: 1, heads: 2, embeddingDim };
  const imageNetwork = { imageSize: 16, patchSize: 8, width: 16, layers: 1, heads: 2, embeddingDim };
  const priorNetwork = { embeddingDim, textWidth: 16, textLength: maxLength, width: 16, layers: 1, heads: 2 };
  const decoderNetwork = unet({ sampleSize: resolutions.decoder, vectorDim: embeddingDim, minimal });
  const imageDecoderNetwork = unet({
    sampleSize: resolutions.decoder,
    vectorDim: embeddingDim,
    minimal,
    extra: { temporalLayers: false, fpsConditioning: false },
  });
  const identity = options.interpolation === 'identity';
  const interpolationNetwork = identity
    ? identityInterpolationConfig(embeddingDim, resolutions.decoder)
    : unet({
        sampleSize: resolutions.decoder,
        vectorDim: embeddingDim,
        minimal,
        extra: { frameConditioningChannels: 4 },
      });
  const lowNetwork = unet({
    sampleSize: resolutions.superResolutionLow,
    vectorDim: embeddingDim,
    minimal,
    extra: { lowResolution: { channels: 3 } },
  });
  const highNetwork = unet({
    sampleSize: resolutions.superResolutionHigh,
    vectorDim: embeddingDim,
    minimal,
    extra: { lowResolution: { channels: 3 }, temporalLayers: false, fpsConditioning: false },
  });
  const ddim = {
    kind: 'ddim' as const,
    numTrainTimesteps: 1000,
    betaSchedule: 'scaled-linear' as const,
    betaStart: 0.00085,
    betaEnd: 0.012,
    predictionType: 'epsilon' as const,
    timestepSpacing: 'leading' as const,
    timestepDtype: 'float32' as const,
  };

  const manifest: ModelManifest = {
    format: manifestFormat,
    version: manifestVersion,
    name: `random-${options.preset}-${seed}`,
    description: 'Random weights: every shape and code path of the cascade, no meaningful output.',
    clipEmbeddingDim: embeddingDim,
    embeddings: { normalize: 'l2', scale: Math.sqrt(embeddingDim) },
    tokenizer: {
      ...tokenizer,
      startToken: '<start>',
      endToken: '<end>',
      padToken: '<pad>',
      unknownToken: '<unk>',
    },
    stages: {
      textEncoder: {
        network: textNetwork,
        weights: await weightsFile(
          'text-encoder.safetensors',
          initTransformerWeights({ network: { kind: 'textEncoder', config: textNetwork }, seed }),
        ),
      },
      imageEncoder: {
        network: imageNetwork,
        weights: await weightsFile(
          'image-encoder.safetensors',
          initTransformerWeights({ network: { kind: 'imageEncoder', config: imageNetwork }, seed: seed + 1 }),
        ),
      },
      prior: {
        network: priorNetwork,
        weights: await weightsFile(
          'prior.safetensors',
          initTransformerWeights({ network: { kind: 'prior', config: priorNetwork }, seed: seed + 2 }),
        ),
        scheduler: { ...ddim, predictionType: 'sample' },
        steps,
        guidanceScale: 2,
      },
      imageDecoder: {
        network: imageDecoderNetwork,
        weights: await weightsFile(
          'image-decoder.safetensors',
          initUNetWeights({ config: imageDecoderNetwork, seed: seed + 7 }),
        ),
        scheduler: ddim,
        steps,
        guidanceScale: 3,
        resolution: resolutions.decoder,
        unconditionalVector: 'zeros',
      },
      decoder: {
        network: decoderNetwork,
        weights: await weightsFile(
          'decoder.safetensors',
          initUNetWeights({ config: decoderNetwork, seed: seed + 3, temporalInit: 'random' }),
        ),
        scheduler: ddim,
        steps,
        guidanceScale: 3,
        numFrames: 16,
        resolution: resolutions.decoder,
        fps: { default: 4, min: 1, max: 30 },
        unconditionalVector: 'zeros',
      },
      interpolation: {
        network: interpolationNetwork,
        weights: await weightsFile(
          'interpolation.safetensors',
          identity
            ? identityInterpolationWeights(interpolationNetwork, seed + 4)
            : initUNetWeights({ config: interpolationNetwork, seed: seed + 4, temporalInit: 'random' }),
        ),
        scheduler: identity ? { ...ddim, predictionType: 'sample' } : ddim,
        steps,
        guidanceScale: 1,
        frameSkip: 5,
        frameConditioning: 'masked-frames-then-mask',
        unconditionalVector: 'zeros',
      },
      superResolutionLow: {
        network: lowNetwork,
        weights: await weightsFile(
          'sr-low.safetensors',
          initUNetWeights({ config: lowNetwork, seed: seed + 5, temporalInit: 'random' }),
        ),
        scheduler: ddim,
        steps,
        guidanceScale: 1,
        resolution: resolutions.superResolutionLow,
        noiseLevel: 20,
        lowResUpsampling: 'bilinear-half-pixel',
        unconditionalVector: 'zeros',
      },
      superResolutionHigh: {
        network: highNetwork,
        weights: await weightsFile(
          'sr-high.safetensors',
          initUNetWeights({ config: highNetwork, seed: seed + 6 }),
        ),
        scheduler: ddim,
        steps,
        guidanceScale: 1,
        resolution: resolutions.superResolutionHigh,
        noiseLevel: 20,
        lowResUpsampling: 'bilinear-half-pixel',
        unconditionalVector: 'zeros',
      },
    },
  };
  return { manifest, files };
}
