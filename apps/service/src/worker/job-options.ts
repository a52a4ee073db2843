/**
 * A request's options as the cascade takes them: per-stage steps and guidance, the key frames and fps,
 * and for `size` the stage to stop after (the first video stage that reaches it; the frames are then
 * resized to the exact size).
 */
import type { Cascade, GenerateOptions, StageName, VideoStageName } from '@mav/cascade';
import { stageNames, videoStageNames } from '@mav/cascade';
import type { JobRequest } from '../api/job-request.js';

/** The size a request asks for, or undefined. */
export function requestedSize(request: JobRequest): { width: number; height: number } | undefined {
  const { size } = request;
  if (size === undefined) return undefined;
  return typeof size === 'number' ? { width: size, height: size } : size;
}

function perStageSettings(request: JobRequest): GenerateOptions['stages'] {
  const { steps, guidance } = request;
  if (steps === undefined && guidance === undefined) return undefined;
  const settings: NonNullable<GenerateOptions['stages']> = {};
  const valueFor = (value: typeof steps, stage: StageName) =>
    typeof value === 'number' ? value : value?.[stage];
  for (const stage of stageNames) {
    const stageSteps = valueFor(steps, stage);
    const guidanceScale = valueFor(guidance, stage);
    if (stageSteps === undefined && guidanceScale === undefined) continue;
    settings[stage] = {
      ...(stageSteps === undefined ? {} : { steps: stageSteps }),
      ...(guidanceScale === undefined ? {} : { guidanceScale }),
    };
  }
  return settings;
}

/**
 * The first video stage (in cascade order) whose output covers `size`, moved on past the interpolation
 * stage that follows it (interpolation keeps the size); undefined when none does (run every stage).
 */
export function stopAfterFor(
  cascade: Pick<Cascade, 'manifest'>,
  size: { width: number; height: number },
): VideoStageName | undefined {
  const present = videoStageNames.filter((stage) => cascade.manifest.stages[stage] !== undefined);
  for (const [index, stage] of present.entries()) {
    const resolution = (cascade.manifest.stages[stage] as { resolution?: number } | undefined)?.resolution;
    if (resolution === undefined || resolution < size.width || resolution < size.height) continue;
    return present[index + 1] === 'interpolation' ? 'interpolation' : stage;
  }
  return undefined;
}

/** The generation options of a request (the caller adds `signal` and `onProgress`). */
export function generateOptionsFor(
  cascade: Pick<Cascade, 'manifest'>,
  request: JobRequest,
  seed: number,
): GenerateOptions {
  const stages = perStageSettings(request);
  const size = requestedSize(request);
  const stopAfter = size === undefined ? undefined : stopAfterFor(cascade, size);
  return {
    seed,
    ...(request.fps === undefined ? {} : { fps: request.fps }),
    ...(request.frames === undefined ? {} : { numFrames: request.frames }),
    ...(stages === undefined ? {} : { stages }),
    ...(stopAfter === undefined ? {} : { stopAfter }),
  };
}
