import type { ExitCode } from './exit-codes.js';

/**
 * An error the CLI reports on stderr (`mav: <message>`, further lines of the message indented) and turns
 * into `exitCode`. Anything
 * a user can fix (a bad option, a missing file) is a `CliError`; everything else is mapped by
 * `exitCodeOf`.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
