/**
 * The shared path of every generating command: check the inputs and the output, pick the backend, load
 * the model, run one cascade job with progress and Ctrl-C, and write the result atomically. The job is a
 * mode of `Cascade` (`@mav/cascade`, `packages/cascade/src/cascade.ts`), whose doc comment names the file of
 * the denoising loop.
 */
import { randomInt } from 'node:crypto';
import { MissingStageError, type VideoStageName } from '@mav/cascade';
import { AbortError, MavError } from '@mav/tensor';
import {
  DimensionError,
  EncoderMissingError,
  framesFromModelOutput,
  resizeFrames,
  type VideoFrames,
} from '@mav/video-io';
import { writeVideo } from '@mav/video-io/node';
import { chooseBackend } from './backend-choice.js';
import type { CascadeLike, JobOptions, JobResult } from './cascade-types.js';
import type { CliContext } from './cli-context.js';
import { CliError } from './cli-error.js';
import { mavErrorExitCodes } from './error-exit.js';
import { exitCodes } from './exit-codes.js';
import { type GenerationFlags, stageSettingsFrom } from './generation-options.js';
import { checkJobMemory } from './memory-plan.js';
import { randomWeightsNotice, resolveModel, untrainedStageNotice } from './model-source.js';
import { type CheckedInput, checkOutputIsSafe } from './output-safety.js';
import { displayPath, numberedPath, type OutputTarget, resolveOutputTarget } from './output-target.js';
import { createProgressReporter, type ProgressReporter, progressModeFor } from './progress-reporter.js';
import { promptWarnings } from './prompt-warnings.js';
import { checkInputFile, type InputFile } from './read-inputs.js';
import { formatSize, stopAfterForSize } from './resolution.js';

/** Flags of the commands that only load a model (`info`, `bench`). */
export type ModelFlags = Pick<GenerationFlags, 'backend' | 'threads' | 'model' | 'quiet'>;

/** A loaded cascade with the reporter that shows its progress. */
export interface LoadedCascade {
  readonly cascade: CascadeLike;
  readonly reporter: ProgressReporter;
  readonly backendDescription: string;
}

/**
 * Picks the backend (exit 4 when it cannot run) and loads the model (exit 3 when it cannot be used), then
 * calls `use` and disposes of the cascade whatever happens.
 */
export async function withCascade<T>(
  context: CliContext,
  flags: ModelFlags,
  use: (loaded: LoadedCascade) => Promise<T>,
): Promise<T> {
  const reporter = createProgressReporter(
    progressModeFor(context.stderr, flags.quiet ?? false),
    context.stderr,
  );
  try {
    const selection = resolveModel({
      ...(flags.model === undefined ? {} : { model: flags.model }),
      cwd: context.cwd,
      env: context.env,
      ...(context.defaultManifestPath === undefined
        ? {}
        : { defaultManifestPath: context.defaultManifestPath }),
    });
    const chosen = await chooseBackend({
      choice: flags.backend,
      ...(flags.threads === undefined ? {} : { threads: flags.threads }),
    });
    if (selection.kind === 'random' && selection.origin === 'fallback')
      context.stderr.write(`${randomWeightsNotice}\n`);
    reporter.note(
      `model: ${selection.kind === 'random' ? `random weights (${selection.preset})` : selection.directory}; backend: ${chosen.description}`,
    );
    let cascade: CascadeLike;
    try {
      cascade = await context.loadModel({ selection, backend: chosen.backend, signal: context.signal });
    } catch (error) {
      if (error instanceof CliError || AbortError.isInstance(error)) throw error;
      if (MavError.isInstance(error) && mavErrorExitCodes[error.code] === exitCodes.backendUnavailable)
        throw error;
      // Whatever else stops the model from loading is about the model; the whole message is kept.
      const message = error instanceof Error ? error.message : String(error);
      throw new CliError(exitCodes.model, `model error: ${message}`, { cause: error });
    }
    const untrained = cascade.manifest.missing ?? [];
    if (selection.kind === 'directory' && selection.origin === 'default' && untrained.length > 0)
      context.stderr.write(`mav: note: the default model has not trained ${untrained.join(', ')} yet.\n`);
    let live: CascadeLike | undefined = cascade;
    try {
      return await use({ cascade, reporter, backendDescription: chosen.description });
    } catch (error) {
      // The embedded default model ships stage by stage while it trains: a mode that needs a stage it has
      // not trained yet runs on the random-weight cascade, with a notice, rather than failing.
      if (!(selection.kind === 'directory' && selection.origin === 'default')) throw error;
      if (!MissingStageError.isInstance(error) || !error.untrained) throw error;
      live = undefined;
      await cascade.dispose();
      live = await context.loadModel({
        selection: { kind: 'random', preset: 'tiny', origin: 'fallback' },
        backend: chosen.backend,
        signal: context.signal,
      });
      context.stderr.write(`${untrainedStageNotice(error.stage)}\n`);
      reporter.note(`model: random weights (tiny); backend: ${chosen.description}`);
      return await use({ cascade: live, reporter, backendDescription: chosen.description });
    } finally {
      await live?.dispose();
    }
  } finally {
    reporter.stop();
  }
}

/** The job options that come from the shared flags, with progress wired to `reporter`. */
export function jobOptionsFrom(
  context: CliContext,
  flags: GenerationFlags,
  cascade: CascadeLike,
  reporter: ProgressReporter,
): JobOptions & { seed: number } {
  const stages = stageSettingsFrom(flags);
  const stopAfter =
    flags.size === undefined ? undefined : stopAfterForSize(cascade.describe().stages, flags.size);
  return {
    seed: flags.seed ?? randomInt(0, 2 ** 31),
    ...(flags.fps === undefined ? {} : { fps: flags.fps }),
    ...(flags.frames === undefined ? {} : { numFrames: flags.frames }),
    ...(stages === undefined ? {} : { stages }),
    ...(stopAfter === undefined ? {} : { stopAfter: stopAfter as VideoStageName }),
    signal: context.signal,
    onProgress: (event) => reporter.stage(event),
  };
}

/** What was written. */
export interface WrittenVideo {
  readonly path: string;
  readonly numFrames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

/** A failure of the video writer as the CLI reports it: exit 6 naming the file, unless it is an abort. */
function writeError(error: unknown, shown: string): unknown {
  if (AbortError.isInstance(error) || error instanceof TypeError || error instanceof RangeError) return error;
  if (EncoderMissingError.isInstance(error) || DimensionError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(exitCodes.output, `cannot write '${shown}': ${message}`, { cause: error });
}

/**
 * Converts a job result to frames at the asked size and writes it atomically to `target`, after checking
 * again that the path is safe (something may have appeared there while the cascade ran).
 */
export async function writeResult(
  context: CliContext,
  options: {
    readonly result: JobResult;
    readonly target: OutputTarget;
    readonly flags: GenerationFlags;
    readonly reporter: ProgressReporter;
    /** The command's input files: never overwritten. */
    readonly inputs?: readonly CheckedInput[];
  },
): Promise<WrittenVideo> {
  const { result, target, flags } = options;
  const force = flags.force === true;
  checkOutputIsSafe({ target, cwd: context.cwd, force, inputs: options.inputs ?? [] });
  let frames: VideoFrames = framesFromModelOutput({ tensor: result.video, fps: result.fps });
  result.video.dispose();
  if (
    flags.size !== undefined &&
    (frames.width !== flags.size.width || frames.height !== flags.size.height)
  ) {
    frames = resizeFrames(frames, { width: flags.size.width, height: flags.size.height, fit: 'cover' });
  }
  context.writing?.add(target.path);
  let written: Awaited<ReturnType<typeof writeVideo>>;
  try {
    written = await writeVideo({
      frames,
      path: target.path,
      format: target.format,
      overwrite: force,
      signal: context.signal,
    });
  } catch (error) {
    throw writeError(error, displayPath(context.cwd, target.path));
  } finally {
    context.writing?.delete(target.path);
  }
  const summary: WrittenVideo = {
    path: written.path,
    numFrames: written.numFrames,
    width: written.width,
    height: written.height,
    fps: frames.fps,
  };
  return summary;
}

/** `wrote out.mp4: 76 frames, 64x64, 8 fps (seed 12)` */
export function describeWritten(context: CliContext, video: WrittenVideo, seed: number): string {
  return `wrote ${displayPath(context.cwd, video.path)}: ${video.numFrames} frames, ${formatSize(video)}, ${Number(video.fps.toFixed(3))} fps (seed ${seed})`;
}

/** What a generating command reads and writes, checked by {@link runGeneration} before any work. */
export interface GenerationChecks {
  /**
   * The prompt, when one was given: an empty one (or only spaces) gets {@link blankPromptWarning}, words the
   * model does not know and words past its context get `promptWarnings`.
   */
  readonly prompt?: string;
  /** Input files named on the command line (missing, a folder, unreadable: exit 5). */
  readonly inputs?: readonly InputFile[];
  /** The command writes this many numbered files (`out-1.mp4`, ...) instead of the output path itself. */
  readonly numberedOutputs?: number;
}

/** Printed (even with -q) for an empty prompt: allowed, but the result is then the same for every one. */
export const blankPromptWarning =
  'mav: warning: the prompt is empty (or only spaces): the video follows no text, and is the same for every empty prompt with this seed.';

/**
 * Runs one job (`run` gets the cascade and the job options) and writes its video(s): one result to the
 * output path, several to numbered paths (`out-1.mp4`, ...). Prints one line per file unless quiet.
 * Before the model loads: the inputs must be readable files, and every output path safe to write
 * (`checkOutputIsSafe`); an empty prompt is warned about.
 */
export async function runGeneration(
  context: CliContext,
  flags: GenerationFlags,
  run: (cascade: CascadeLike, jobOptions: JobOptions & { seed: number }) => Promise<JobResult | JobResult[]>,
  checks: GenerationChecks = {},
): Promise<void> {
  const target = resolveOutputTarget({
    output: flags.output,
    ...(flags.format === undefined ? {} : { format: flags.format }),
    cwd: context.cwd,
  });
  const inputs: CheckedInput[] = (checks.inputs ?? []).map((input) => ({
    given: input.path,
    path: checkInputFile(context.cwd, input),
  }));
  const force = flags.force === true;
  if (checks.numberedOutputs === undefined) {
    checkOutputIsSafe({ target, cwd: context.cwd, force, inputs, given: flags.output });
  } else {
    for (let index = 1; index <= checks.numberedOutputs; index++) {
      checkOutputIsSafe({ target: numberedPath(target, index), cwd: context.cwd, force, inputs });
    }
  }
  if (checks.prompt !== undefined && checks.prompt.trim() === '')
    context.stderr.write(`${blankPromptWarning}\n`);
  await withCascade(context, flags, async ({ cascade, reporter }) => {
    if (checks.prompt !== undefined) {
      for (const line of promptWarnings(cascade.analyzePrompt(checks.prompt)))
        context.stderr.write(`${line}\n`);
    }
    const jobOptions = jobOptionsFrom(context, flags, cascade, reporter);
    checkJobMemory(cascade, { numFrames: flags.frames, stopAfter: jobOptions.stopAfter, size: flags.size });
    const outcome = await run(cascade, jobOptions);
    const results = Array.isArray(outcome) ? outcome : [outcome];
    const lines: string[] = [];
    for (const [index, result] of results.entries()) {
      const path = results.length === 1 && !Array.isArray(outcome) ? target : numberedPath(target, index + 1);
      const written = await writeResult(context, { result, target: path, flags, reporter, inputs });
      lines.push(describeWritten(context, written, jobOptions.seed));
    }
    reporter.stop();
    if (!flags.quiet) for (const line of lines) context.stdout.write(`${line}\n`);
  });
}
