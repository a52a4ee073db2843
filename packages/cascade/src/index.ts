export { Cascade, type CascadeComponents, type CascadeDescription } from './cascade.js';
export type {
  AnimateImageOptions,
  CascadeResult,
  ExtrapolateVideoOptions,
  GenerateOptions,
  InterpolateImagesOptions,
  TextToImageOptions,
  TextToImageResult,
  TextToVideoOptions,
  VariationsOptions,
  VideoStageName,
} from './cascade-options.js';
export { normalizeEmbeddings } from './embedding-normalization.js';
export {
  InsufficientMemoryError,
  ManifestError,
  type ManifestErrorReason,
  MissingStageError,
} from './errors.js';
export { type LoadedModelFiles, loadModelFiles, type StageWeights } from './files/load-model-files.js';
export {
  createMemorySource,
  createUrlSource,
  type ModelFileSource,
  sha256Hex,
} from './files/model-file-source.js';
export { type LoadCascadeOptions, loadCascade } from './load-cascade.js';
export { modelManifestJsonSchema } from './manifest/manifest-json-schema.js';
export {
  type EmbeddingNormalization,
  embeddingNormalizationSchema,
  type ModelFile,
  type ModelManifest,
  manifestFormat,
  manifestVersion,
  modelManifestSchema,
  type SchedulerManifest,
  type StageName,
  stageNames,
} from './manifest/manifest-schema.js';
export { resolveModelPath } from './manifest/model-path.js';
export { manifestFiles, parseManifest } from './manifest/parse-manifest.js';
export {
  describeStages,
  estimateTransformerBytes,
  estimateUNetBytes,
  type StageDescription,
  type UNetRunShape,
} from './memory-estimate.js';
export { planRows, planRun, type RunPlan, runHeads, videoStageNames } from './run-plan.js';
export { createScheduler } from './scheduler-factory.js';
export { stageRandomness, stageStreams } from './seed-plan.js';
export { type BackendChoice, type StageBackends, StageRuntime } from './stage-runtime.js';
export { type DecoderSampleOptions, DecoderStage } from './stages/decoder-stage.js';
export { type ImageDecoderSampleOptions, ImageDecoderStage } from './stages/image-decoder-stage.js';
export { ImageEncoderStage } from './stages/image-encoder-stage.js';
export {
  type FillFramesOptions,
  type InterpolateOptions,
  type InterpolationConditioning,
  InterpolationStage,
  type InterpolationWindows,
  interpolationWindows,
} from './stages/interpolation-stage.js';
export { type PriorSampleOptions, PriorStage } from './stages/prior-stage.js';
export type {
  SamplingOptions,
  StageContext,
  StageProgress,
  StageRunOptions,
  StageTensorEvent,
} from './stages/stage-context.js';
export { type SuperResolutionOptions, SuperResolutionStage } from './stages/super-resolution-stage.js';
export { TextEncoderStage, type TextEncoding } from './stages/text-encoder-stage.js';
export { blockedLayoutMinChannels, unetSessionOptions } from './stages/unet-session-options.js';
export {
  type PromptAnalysis,
  PromptTokenizer,
  type PromptTokenizerOptions,
} from './tokenizer/prompt-tokenizer.js';
export {
  batchToFrames,
  framesToBatch,
  imageAsVideo,
  resizeBilinear,
} from './video-ops.js';
