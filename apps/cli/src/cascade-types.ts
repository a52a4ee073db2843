/**
 * The part of `@mav/cascade` the CLI uses, named in one place.
 */
import type {
  Cascade,
  CascadeResult,
  StageDescription as CascadeStageDescription,
  StageName as CascadeStageName,
  GenerateOptions,
} from '@mav/cascade';

/** Per-stage sampler settings. */
export type StageSettings = NonNullable<GenerateOptions['stages']>;

/** Options every cascade job takes. */
export type JobOptions = GenerateOptions;

/** What a job returns: float32 `[1 3 f h w]` in [-1, 1]. */
export type JobResult = CascadeResult;

/** One stage as `describe()` reports it. */
export type StageDescription = CascadeStageDescription;

/** The cascade, as the CLI drives it. */
export type CascadeLike = Cascade;

/** One stage of the cascade. */
export type StageName = CascadeStageName;
