export {
  applyClassifierFreeGuidance,
  type ClassifierFreeGuidanceOptions,
  concatenateBatch,
  splitGuidanceBatch,
} from './classifier-free-guidance.js';
export { DdimScheduler, type DdimSchedulerOptions } from './ddim-scheduler.js';
export { DdpmScheduler, type DdpmSchedulerOptions } from './ddpm-scheduler.js';
export {
  type ClassifierFreeGuidanceConfig,
  type DenoiseOptions,
  type DenoiseProgress,
  type DenoiseResult,
  denoise,
  denoiseStreams,
} from './denoising-loop.js';
export type { DenoisingModelCall, StepFeedContext, TimestepInput } from './denoising-model.js';
export {
  DpmSolverMultistepScheduler,
  type DpmSolverMultistepSchedulerOptions,
} from './dpm-solver-multistep-scheduler.js';
export { NonFiniteError, type NonFiniteErrorOptions, SchedulerStateError } from './errors.js';
export {
  EulerAncestralDiscreteScheduler,
  type EulerAncestralDiscreteSchedulerOptions,
} from './euler-ancestral-discrete-scheduler.js';
export { EulerDiscreteScheduler, type EulerDiscreteSchedulerOptions } from './euler-discrete-scheduler.js';
export { guidanceRows, isGuided } from './guidance-rows.js';
export {
  blendKnownFrames,
  type MaskedFrameConditioning,
  type MaskedFrameConditioningOptions,
  type MaskedFrameMode,
  maskedFrameConditioning,
} from './masked-frame-conditioning.js';
export {
  augmentWithNoise,
  type NoiseAugmentation,
  type NoiseAugmentationOptions,
} from './noise-augmentation.js';
export {
  alphasCumulativeProduct,
  type BetaScheduleKind,
  type BetaScheduleOptions,
  betaSchedule,
} from './noise-schedule.js';
export {
  type ConvertPredictionOptions,
  convertPrediction,
  type PredictionType,
  predictionTypes,
} from './prediction-type.js';
export type { PreviousTimestep } from './previous-timestep.js';
export {
  type AddNoiseOptions,
  BaseScheduler,
  type Scheduler,
  type SchedulerOptions,
  type SchedulerStepOptions,
  type SchedulerStepResult,
} from './scheduler.js';
export {
  createSchedulerByName,
  type SchedulerByNameOptions,
  type SchedulerKind,
  schedulerKinds,
} from './scheduler-by-name.js';
export { type SharedFrameNoiseOptions, sharedFrameNoise } from './shared-frame-noise.js';
export { type InitNoiseSigmaRule, SigmaScheduler, type SigmaSchedulerOptions } from './sigma-scheduler.js';
export {
  roundHalfEven,
  spaceTimesteps,
  type TimestepSpacing,
  type TimestepSpacingOptions,
} from './timestep-spacing.js';
