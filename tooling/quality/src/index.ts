export { main, parseSteps } from './cli.js';
export { QualityError, type QualityErrorReason } from './errors.js';
export { extendVideo, linearBlend, nearestFrame, resizeBicubic } from './frames/restoration-baselines.js';
export {
  evenlySpacedFrames,
  framesAsBatch,
  quantizeVideo,
  resizeFrames,
  type VideoFrames,
} from './frames/video-frames.js';
export {
  bicubicVideo,
  clampVideo,
  type ImageQuality,
  pickFrames,
  range,
  reduceVideo,
  videoQuality,
  videoTensor,
} from './frames/video-tensors.js';
export { type AblationArm, type AblationScores, readAblation } from './harness/ablation-logs.js';
export { type ClipEncoder, cascadeClipEncoder } from './harness/clip-encoder.js';
export {
  type GenerateVideosOptions,
  generateVideos,
  jobIdentity,
  type QualityProgress,
} from './harness/generate-videos.js';
export { type JudgedVideo, judgeVideo, videoFeatures } from './harness/judged-video.js';
export {
  defaultRealShapes,
  type GenerationJob,
  type ModelSummary,
  type PlanOptions,
  planQualityRun,
  type QualityPlan,
  type QualitySource,
  type ScoredStage,
  type StageLayout,
  scoredStages,
} from './harness/quality-plan.js';
export {
  type RestorationScores,
  restorationRequests,
  type ScoreRestorationOptions,
  scoreRestoration,
} from './harness/restoration.js';
export {
  defaultJudgeFolder,
  type QualityModel,
  type QualityRunResult,
  type RunQualityOptions,
  runQuality,
} from './harness/run-quality.js';
export {
  clipFramesPerVideo,
  type FpsConditioning,
  type ItemStageScore,
  type QualityScores,
  type ScoreRunOptions,
  scoreRun,
} from './harness/score-run.js';
export { type AttributeAccuracy, accuracy, type StageScores, scoreStage } from './harness/stage-scores.js';
export {
  readStoredVideo,
  type StageVideos,
  storedVideoFile,
  writeStoredVideo,
} from './harness/video-store.js';
export { Judge, type JudgeOutput, type LoadJudgeOptions } from './judge/judge.js';
export {
  type JudgeAttribute,
  type JudgeConfig,
  type JudgeDescription,
  judgeAttributes,
  parseJudgeDescription,
} from './judge/judge-config.js';
export { buildJudge, declareJudge, judgeNames, judgeParameterSpecs } from './judge/judge-network.js';
export { objectCrops } from './judge/object-crop.js';
export { clipSimilarity, cosineSimilarity } from './metrics/clip-similarity.js';
export {
  frechetDistance,
  meanAndCovariance,
  symmetricEigen,
  symmetricSqrt,
} from './metrics/frechet-distance.js';
export { psnr, ssim } from './metrics/image-quality.js';
export { inceptionScore, jointProbabilities } from './metrics/inception-score.js';
export { movementThreshold, type VideoMotion, videoMotion, wasserstein1 } from './metrics/motion.js';
export { type LocateObjectsOptions, locateObjects, type ObjectLocation } from './metrics/object-locator.js';
export { temporalConsistency, temporalHighPassEnergy } from './metrics/temporal-metrics.js';
export {
  type FpsProbeItem,
  itemAttribute,
  loadPromptSet,
  type PromptItem,
  type PromptSet,
  parsePromptSet,
  promptSetFolder,
} from './prompt-set.js';
export {
  type ClipRequest,
  defaultTrainFolder,
  type RenderedReferences,
  type RenderReferencesOptions,
  renderReferences,
  type StillRequest,
} from './reference-clips.js';
export { type QualityReport, roundNumbers } from './report/quality-report.js';
export { reportMarkdown } from './report/report-markdown.js';
export { type ContactSheetOptions, contactSheet } from './report/report-sheet.js';
