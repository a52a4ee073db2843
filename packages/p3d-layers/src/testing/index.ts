/**
 * Plain-TypeScript reference implementations of the p3d layers, for checking the ONNX graphs (and other
 * backends) against on small tensors.
 */
export {
  maxAbsDiff,
  type ReferenceAttentionWeights,
  type ReferenceTensor,
  referenceAdd,
  referenceAttention,
  referenceConv2d,
  referenceFrameTokensToVideo,
  referenceGroupNorm,
  referenceImageToTokens,
  referenceLinear,
  referencePerFrame,
  referenceSilu,
  referenceSinusoidal,
  referenceSliceFirst,
  referenceSwapLastAxes,
  referenceTemporalConv,
  referenceTensor,
  referenceTokensToImage,
  referenceUpsampleNearest,
  referenceVideoToFrameTokens,
} from './reference-layers.js';
