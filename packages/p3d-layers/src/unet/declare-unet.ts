import type { GraphBuilder } from '../graph/graph-builder.js';
import type { GraphValue } from '../graph/graph-value.js';
import { downsample } from '../layers/downsample.js';
import { groupNorm } from '../layers/group-norm.js';
import { pseudoAttention3d } from '../layers/pseudo-attention3d.js';
import { pseudoConv3d } from '../layers/pseudo-conv3d.js';
import { resBlock } from '../layers/res-block.js';
import { silu } from '../layers/silu.js';
import { embeddingMlp, sinusoidalEmbedding } from '../layers/timestep-embedding.js';
import { upsample } from '../layers/upsample.js';
import { type ResolvedUNetConfig, resolveUNetConfig, type UNetConfig } from './unet-config.js';

/** Names of the UNet's graph inputs and output. */
export const unetInputNames = {
  sample: 'sample',
  timestep: 'timestep',
  fps: 'fps',
  conditioningVector: 'conditioning_vector',
  conditioningTokens: 'conditioning_tokens',
  frameConditioning: 'frame_conditioning',
  lowResSample: 'low_res_sample',
  noiseLevel: 'noise_level',
} as const;

/** Name of the UNet's output `[b outChannels f h w]`. */
export const unetOutputName = 'model_output';

/** Static sizes of one UNet graph. */
export interface UNetShape {
  batch: number;
  numFrames: number;
  height: number;
  width: number;
}

/**
 * Declares the whole UNet into `graph`: inputs, every parameter by explicit name, the network, the output.
 * This is the one place the architecture is written down; the model, the parameter list, the parameter and
 * FLOP counts and inflation all come from it. Activations are kept in the folded layout `[(b f) c h w]`
 * between the input and output transposes.
 */
export function declareUNet(graph: GraphBuilder, config: UNetConfig, shape: UNetShape): ResolvedUNetConfig {
  const resolved = resolveUNetConfig(config);
  const { batch, numFrames, height, width } = shape;
  const levels = resolved.channelMultipliers.length;
  const factor = 2 ** (levels - 1);
  for (const [field, value] of Object.entries(shape)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`${field} must be a positive integer, got ${value}.`);
    }
  }
  if (height % factor !== 0 || width % factor !== 0) {
    throw new RangeError(
      `height and width must be multiples of ${factor} for ${levels} levels, got ${height}×${width}.`,
    );
  }
  const {
    baseChannels: base,
    normGroups: groups,
    attentionHeads: heads,
    temporalLayers: temporal,
  } = resolved;
  const embeddingChannels = 4 * base;
  const video = (channels: number) => [batch, channels, numFrames, height, width];

  // 1. inputs: [b c f h w] pieces concatenated on channels
  const pieces = [graph.input(unetInputNames.sample, graph.dtype, video(resolved.inChannels))];
  if (resolved.frameConditioningChannels > 0) {
    pieces.push(
      graph.input(unetInputNames.frameConditioning, graph.dtype, video(resolved.frameConditioningChannels)),
    );
  }
  if (resolved.lowResolution) {
    pieces.push(
      graph.input(unetInputNames.lowResSample, graph.dtype, video(resolved.lowResolution.channels)),
    );
  }
  const timestep = graph.input(unetInputNames.timestep, 'float32', [batch]);
  const fps = resolved.fpsConditioning ? graph.input(unetInputNames.fps, 'float32', [batch]) : undefined;
  const vectorDim = resolved.conditioning?.vectorDim;
  const vector =
    vectorDim === undefined
      ? undefined
      : graph.input(unetInputNames.conditioningVector, graph.dtype, [batch, vectorDim]);
  const { tokenDim, tokenLength } = resolved.conditioning ?? {};
  const tokens =
    tokenDim === undefined || tokenLength === undefined
      ? undefined
      : graph.input(unetInputNames.conditioningTokens, graph.dtype, [batch, tokenLength, tokenDim]);
  const noiseLevel = resolved.lowResolution
    ? graph.input(unetInputNames.noiseLevel, 'float32', [batch])
    : undefined;
  const inputChannels = pieces.reduce((sum, piece) => sum + piece.dims[1]!, 0);
  const joined = pieces.length === 1 ? pieces[0]! : graph.concat(pieces, 1);
  // [b c f h w] -> [b f c h w] -> [(b f) c h w]
  let h = graph.reshape(graph.transpose(joined, [0, 2, 1, 3, 4]), [
    batch * numFrames,
    inputChannels,
    height,
    width,
  ]);

  // 2. the embedding: timestep (+ fps + conditioning vector + noise level), [b 4·base]
  const embed = (
    scalar: GraphValue,
    name: string,
    extra: { temporal?: boolean; zeroOutput?: boolean } = {},
  ) =>
    embeddingMlp(graph, sinusoidalEmbedding(graph, scalar, base), {
      name,
      inFeatures: base,
      outFeatures: embeddingChannels,
      ...extra,
    });
  let embedding = embed(timestep, 'time_embedding');
  if (fps) {
    // Added by inflation with a zero output layer: the image model's embedding is unchanged at init.
    embedding = graph.add(embedding, embed(fps, 'fps_embedding', { temporal: true, zeroOutput: true }));
  }
  if (vector) {
    embedding = graph.add(
      embedding,
      embeddingMlp(graph, vector, {
        name: 'cond_embedding',
        inFeatures: vectorDim!,
        outFeatures: embeddingChannels,
      }),
    );
  }
  if (noiseLevel) embedding = graph.add(embedding, embed(noiseLevel, 'noise_level_embedding'));

  const pseudoConv = (x: GraphValue, name: string, inChannels: number, outChannels: number) =>
    pseudoConv3d(graph, x, {
      name,
      inChannels,
      outChannels,
      numFrames,
      temporal,
      temporalKernelSize: resolved.temporalKernelSize,
    });
  const block = (x: GraphValue, name: string, inChannels: number, outChannels: number) =>
    graph.scope(name, () =>
      resBlock(graph, x, embedding, {
        name,
        inChannels,
        outChannels,
        embeddingChannels,
        groups,
        numFrames,
        temporal,
        scaleShift: resolved.embeddingScaleShift,
      }),
    );
  const attend = (x: GraphValue, name: string, channels: number) =>
    graph.scope(name, () =>
      pseudoAttention3d(graph, x, {
        name,
        channels,
        heads,
        groups,
        numFrames,
        temporal,
        ...(tokens ? { context: tokens } : {}),
      }),
    );

  // 3. down path, keeping every intermediate for the skip connections
  h = pseudoConv(h, 'conv_in', inputChannels, base);
  const skips: { value: GraphValue; channels: number }[] = [{ value: h, channels: base }];
  let channels = base;
  resolved.channelMultipliers.forEach((multiplier, level) => {
    const levelChannels = base * multiplier;
    for (let index = 0; index < resolved.resBlocksPerLevel; index++) {
      h = block(h, `down_blocks.${level}.resnets.${index}`, channels, levelChannels);
      channels = levelChannels;
      if (resolved.attentionLevels.includes(level))
        h = attend(h, `down_blocks.${level}.attentions.${index}`, channels);
      skips.push({ value: h, channels });
    }
    if (level < levels - 1) {
      h = downsample(graph, h, { name: `down_blocks.${level}.downsamplers.0`, channels });
      skips.push({ value: h, channels });
    }
  });

  // 4. middle
  h = block(h, 'mid_block.resnets.0', channels, channels);
  if (resolved.midBlockAttention) h = attend(h, 'mid_block.attentions.0', channels);
  h = block(h, 'mid_block.resnets.1', channels, channels);

  // 5. up path: up_blocks.0 is the deepest level
  [...resolved.channelMultipliers].reverse().forEach((multiplier, upIndex) => {
    const level = levels - 1 - upIndex;
    const levelChannels = base * multiplier;
    for (let index = 0; index <= resolved.resBlocksPerLevel; index++) {
      const skip = skips.pop()!;
      h = block(
        graph.concat([h, skip.value], 1),
        `up_blocks.${upIndex}.resnets.${index}`,
        channels + skip.channels,
        levelChannels,
      );
      channels = levelChannels;
      if (resolved.attentionLevels.includes(level))
        h = attend(h, `up_blocks.${upIndex}.attentions.${index}`, channels);
    }
    if (level > 0) h = upsample(graph, h, { name: `up_blocks.${upIndex}.upsamplers.0`, channels });
  });

  // 6. output: [(b f) c h w] -> [b f c h w] -> [b c f h w]
  h = silu(graph, groupNorm(graph, h, { name: 'conv_norm_out', channels, groups }));
  h = pseudoConv(h, 'conv_out', channels, resolved.outChannels);
  h = graph.transpose(
    graph.reshape(h, [batch, numFrames, resolved.outChannels, height, width]),
    [0, 2, 1, 3, 4],
  );
  graph.output(h, unetOutputName);
  return resolved;
}
