/**
 * The part of `@mav/cascade` the CLI uses, as types, so the commands can be written and tested against
 * one narrow surface.
 */
import type { Tensor } from '@mav/tensor';
import type { StageName } from './parse-options.js';
import type { StageProgress } from './progress-reporter.js';

/** Per-stage sampler settings. */
export type StageSettings = Partial<Record<StageName, { steps?: number; guidanceScale?: number }>>;

/** Options every cascade job takes. */
export interface JobOptions {
  prompt?: string;
  seed?: number;
  fps?: number;
  numFrames?: number;
  stages?: StageSettings;
  stopAfter?: StageName;
  signal?: AbortSignal;
  onProgress?: (event: StageProgress) => void;
}

/** What a job returns: float32 `[1 3 f h w]` in [-1, 1]. */
export interface JobResult {
  video: Tensor;
  fps: number;
  stages: readonly string[];
}

/** One stage as `describe()` reports it. */
export interface StageDescription {
  name: string;
  parameterCount: number;
  flopsPerStep: number;
  resolution: unknown;
  frames: number;
  estimatedBytes: number;
}

/** The cascade, as the CLI drives it. */
export interface CascadeLike {
  textToVideo(options: JobOptions & { prompt: string }): Promise<JobResult>;
  animateImage(options: JobOptions & { image: Tensor }): Promise<JobResult>;
  interpolateImages(options: JobOptions & { first: Tensor; last: Tensor }): Promise<JobResult>;
  extrapolateVideo(
    options: JobOptions & { video: Tensor; direction: 'forward' | 'backward' },
  ): Promise<JobResult>;
  variations(options: JobOptions & { count: number; image?: Tensor }): Promise<JobResult[]>;
  describe(): { stages: StageDescription[]; estimatedPeakBytes: number };
  dispose(): Promise<void> | void;
}
