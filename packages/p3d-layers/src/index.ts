export {
  type EncodedGraph,
  type EncodeGraphOptions,
  type ExternalDataOptions,
  encodeGraph,
  inlineParameterLimitBytes,
} from './graph/encode-graph.js';
export {
  broadcastDims,
  GraphBuilder,
  type GraphBuilderOptions,
  type GraphIO,
  type GraphOp,
  graphOps,
} from './graph/graph-builder.js';
export type { GraphDType, GraphValue, ParameterInit, ParameterSpec } from './graph/graph-value.js';
export { type AttentionOptions, attention } from './layers/attention.js';
export { type Conv2dOptions, conv2d } from './layers/conv2d.js';
export { type DownsampleOptions, downsample } from './layers/downsample.js';
export { framePositionTable } from './layers/frame-position-embedding.js';
export { type GroupNormOptions, groupNorm } from './layers/group-norm.js';
export { type LinearOptions, linear } from './layers/linear.js';
export { type PseudoAttention3dOptions, pseudoAttention3d } from './layers/pseudo-attention3d.js';
export { type PseudoConv3dOptions, pseudoConv3d } from './layers/pseudo-conv3d.js';
export { type ResBlockOptions, resBlock } from './layers/res-block.js';
export { silu } from './layers/silu.js';
export { type SpatialAttentionOptions, spatialAttention } from './layers/spatial-attention.js';
export { type TemporalAttentionOptions, temporalAttention } from './layers/temporal-attention.js';
export { type TemporalConv1dOptions, temporalConv1d } from './layers/temporal-conv1d.js';
export {
  type EmbeddingMlpOptions,
  embeddingMlp,
  sinusoidalEmbedding,
  sinusoidalFrequencies,
} from './layers/timestep-embedding.js';
export { type UpsampleOptions, upsample } from './layers/upsample.js';
export {
  type BuildTransformerOptions,
  type BuiltTransformer,
  buildTransformer,
  initTransformerWeights,
  type TransformerNetwork,
  transformerFlops,
  transformerParameterCount,
  transformerParameterSpecs,
} from './transformer/build-transformer.js';
export { declarePrior, priorNames } from './transformer/diffusion-prior.js';
export { declareImageEncoder, imageEncoderNames } from './transformer/image-encoder.js';
export { type LayerNormOptions, layerNorm } from './transformer/layer-norm.js';
export { declareTextEncoder, textEncoderNames } from './transformer/text-encoder.js';
export {
  batchedVector,
  quickGelu,
  selectPosition,
  selfAttention,
  type TransformerBlockOptions,
  transformerBlock,
} from './transformer/transformer-block.js';
export {
  type ImageEncoderConfig,
  type PriorConfig,
  resolveImageEncoderConfig,
  resolvePriorConfig,
  resolveTextEncoderConfig,
  type TextEncoderConfig,
} from './transformer/transformer-config.js';
export {
  type BuildUNetOptions,
  type BuiltUNet,
  buildUNet,
  type InitUNetWeightsOptions,
  initUNetWeights,
  unetFlops,
  unetParameterCount,
  unetParameterSpecs,
} from './unet/build-unet.js';
export { declareUNet, type UNetShape, unetInputNames, unetOutputName } from './unet/declare-unet.js';
export { type InflateOptions, inflate } from './unet/inflate.js';
export {
  imageConfigOf,
  type ResolvedUNetConfig,
  resolveUNetConfig,
  type UNetConfig,
} from './unet/unet-config.js';
export { smallVideoUNetConfig } from './unet/unet-presets.js';
export { type CheckWeightsOptions, checkWeights } from './weights/check-weights.js';
export {
  fillIdentity,
  type InitParametersOptions,
  initParameters,
  parameterStream,
} from './weights/init-parameters.js';
export { type LoadUNetWeightsOptions, loadUNetWeights } from './weights/load-weights.js';
export {
  defaultMaxHeaderBytes,
  type ReadSafetensorsOptions,
  readSafetensors,
  readSafetensorsFrom,
  type SafetensorsByteSource,
  type SafetensorsContents,
  writeSafetensors,
} from './weights/safetensors.js';
export { SafetensorsError, WeightMismatchError, type WeightShapeMismatch } from './weights/weight-errors.js';
