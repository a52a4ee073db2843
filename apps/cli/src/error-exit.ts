/**
 * Turns any error into the exit status and the message `mav` prints for it. Each kind of error has one
 * status (the table below, listed by `mav --help`); the message keeps every detail line the library gave
 * (the first line after `mav: `, the others indented below it), in the CLI's words: flags, not API options.
 */

import { InsufficientMemoryError } from '@mav/cascade';
import { AbortError, MavError } from '@mav/tensor';
import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { type ExitCode, exitCodes } from './exit-codes.js';

/** What to print (without the `mav: ` prefix) and which status to exit with. */
export interface ErrorOutcome {
  readonly exitCode: ExitCode;
  readonly message: string;
}

/**
 * The status of each `MavError` code of the libraries the CLI runs. A code not listed is a bug or a failure
 * nobody foresaw: status 1.
 */
export const mavErrorExitCodes: Readonly<Record<string, ExitCode>> = {
  // @mav/cascade, @mav/p3d-layers, @mav/tensor: the model's files or graphs cannot be used.
  manifest: exitCodes.model,
  safetensors: exitCodes.model,
  'weight-mismatch': exitCodes.model,
  'model-load': exitCodes.model,
  // @mav/cascade: the run needs a stage the model lacks (not trained yet).
  'model-stage-missing': exitCodes.model,
  // @mav/diffusion: NaN or infinity out of the network, mostly damaged weights.
  'non-finite': exitCodes.model,
  // @mav/tensor and its backends.
  'backend-unavailable': exitCodes.backendUnavailable,
  'backend-resolution': exitCodes.backendUnavailable,
  unsupported: exitCodes.backendUnavailable,
  // @mav/video-io.
  'corrupt-input': exitCodes.input,
  'unsupported-format': exitCodes.usage,
  'encoder-missing': exitCodes.output,
  dimension: exitCodes.output,
  'output-exists': exitCodes.output,
  'insufficient-memory': exitCodes.memory,
  aborted: exitCodes.interrupted,
};

const prefixes: Partial<Record<ExitCode, string>> = {
  [exitCodes.model]: 'model error: ',
  [exitCodes.backendUnavailable]: 'backend unavailable: ',
};

/** A library's message as the CLI prints it: first line as is, every further line indented by two spaces. */
export function detailedMessage(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return text.trim();
  return [lines[0], ...lines.slice(1).map((line) => `  ${line}`)].join('\n');
}

/** The cascade's option names that a message may start with, and the flag each comes from. */
const cliFlagOf: Readonly<Record<string, string>> = {
  numFrames: '--frames',
  outputSize: '--size',
  stopAfter: '--size',
  fps: '--fps',
  seed: '--seed',
  count: '--count',
  direction: '--direction',
};

/** `numFrames for extrapolation must be ...` -> `--frames for extrapolation must be ...` */
export function withCliFlagNames(message: string): string {
  return message
    .replace(/\b(numFrames|outputSize|stopAfter)\b/g, (name) => cliFlagOf[name]!)
    .replace(/^(fps|seed|count|direction)\b/, (name) => cliFlagOf[name]!);
}

function memoryMessage(error: InsufficientMemoryError): string {
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `not enough memory: this run needs an estimated ${gib(error.estimatedBytes)} at stage '${error.stage}', more than the memory limit of ${gib(error.limitBytes)}. Try fewer --frames or a smaller --size.`;
}

/** The exit status and message for `error`. */
export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: detailedMessage(error.message) };
  if (error instanceof CommanderError) {
    // Commander puts a suggestion on a second line ("(Did you mean generate?)"): keep it, on the same line.
    const text = error.message
      .replace(/^error: /, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ');
    return { exitCode: exitCodes.usage, message: `${text} (see mav --help)` };
  }
  if (AbortError.isInstance(error))
    return { exitCode: exitCodes.interrupted, message: 'interrupted; no output written.' };
  if (InsufficientMemoryError.isInstance(error))
    return { exitCode: exitCodes.memory, message: memoryMessage(error) };
  if (MavError.isInstance(error)) {
    const exitCode = mavErrorExitCodes[error.code] ?? exitCodes.internal;
    const prefix = exitCode === exitCodes.internal ? `${error.name}: ` : (prefixes[exitCode] ?? '');
    // The backends' messages speak of their API options (executionProvider); say the flag too.
    const hint =
      exitCode === exitCodes.backendUnavailable
        ? '\nWith mav: --backend cpu, or --backend auto (CUDA when installed, else the CPU).'
        : '';
    return { exitCode, message: detailedMessage(`${prefix}${withCliFlagNames(error.message)}${hint}`) };
  }
  // A value the cascade refuses (e.g. too few frames for a mode) came from the command line.
  if (error instanceof RangeError) {
    return {
      exitCode: exitCodes.usage,
      message: detailedMessage(`invalid value: ${withCliFlagNames(error.message)}`),
    };
  }
  const name = error instanceof Error ? `${error.name}: ` : '';
  const text = error instanceof Error ? error.message : String(error);
  return { exitCode: exitCodes.internal, message: detailedMessage(`unexpected error: ${name}${text}`) };
}
