/**
 * Turns any error into the exit status and the one line `mav` prints for it.
 */

import { AbortError, MavError } from '@mav/tensor';
import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { type ExitCode, exitCodes } from './exit-codes.js';

/** What to print (without the `mav: ` prefix) and which status to exit with. */
export interface ErrorOutcome {
  readonly exitCode: ExitCode;
  readonly message: string;
}

const modelErrorCodes = /model|manifest|weights|safetensors|tokenizer/;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? text.trim()
  );
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The exit status and message for `error`. */
export function errorOutcome(error: unknown): ErrorOutcome {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
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
  if (MavError.isInstance(error)) {
    const code = error.code;
    const message = error.message;
    if (code === 'backend-unavailable' || code === 'backend-resolution') {
      // The resolution error lists every backend on its own line: keep them, joined on one line.
      return {
        exitCode: exitCodes.backendUnavailable,
        message: `backend unavailable: ${message
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .join(' ')}`,
      };
    }
    if (code === 'insufficient-memory') return { exitCode: exitCodes.memory, message: firstLine(message) };
    if (code === 'corrupt-input') return { exitCode: exitCodes.input, message: firstLine(message) };
    if (code === 'encoder-missing' || code === 'dimension')
      return { exitCode: exitCodes.output, message: firstLine(message) };
    if (code === 'unsupported-format') return { exitCode: exitCodes.usage, message: firstLine(message) };
    if (modelErrorCodes.test(code))
      return { exitCode: exitCodes.model, message: `model error: ${firstLine(message)}` };
    return { exitCode: exitCodes.internal, message: `${error.name}: ${firstLine(message)}` };
  }
  // A value the cascade refuses (e.g. too few frames for a mode) came from the command line.
  if (error instanceof RangeError)
    return { exitCode: exitCodes.usage, message: `invalid value: ${firstLine(error.message)}` };
  const nodeCode = (error as { code?: unknown } | null)?.code;
  if (nodeCode === 'EACCES' || nodeCode === 'EROFS' || nodeCode === 'ENOSPC' || nodeCode === 'ENOTDIR') {
    return { exitCode: exitCodes.output, message: firstLine(errorText(error)) };
  }
  const name = error instanceof Error ? `${error.name}: ` : '';
  return { exitCode: exitCodes.internal, message: `unexpected error: ${name}${firstLine(errorText(error))}` };
}
