/**
 * Spawning ffmpeg/ffprobe: a missing executable becomes `EncoderMissingError`, an abort kills the process
 * and rejects with `AbortError`, and stdin is written with backpressure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AbortError } from '@mav/tensor';
import { EncoderMissingError } from '../errors.js';
import { installHint } from './ffmpeg-path.js';

/** What a finished process left behind. */
export interface ProcessResult {
  readonly exitCode: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Options of `runProcess`. */
export interface RunProcessOptions {
  /** Executable to spawn (a path, or a name looked up on PATH). */
  readonly executable: string;
  /** Which program this is, for error messages. */
  readonly program: 'ffmpeg' | 'ffprobe';
  readonly args: readonly string[];
  readonly signal?: AbortSignal;
  /** Writes the process's stdin; called once the process has started. stdin is ended afterwards. */
  readonly writeInput?: (write: (chunk: Uint8Array) => Promise<void>) => Promise<void>;
}

/** Runs a process to completion. Rejects only for a missing executable or an abort; exit codes are returned. */
export async function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const { executable, program, args, signal, writeInput } = options;
  if (signal?.aborted) throw new AbortError(`${program} was aborted.`, signal.reason);
  const child = spawn(executable, args, { stdio: [writeInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  // A process that dies early closes its stdin; the EPIPE is reported through the exit code instead.
  child.stdin?.on('error', () => {});
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  try {
    await Promise.race([once(child, 'spawn'), exited]);
  } catch (error) {
    throw missingOrRethrow(error, executable, program);
  }
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (writeInput && child.stdin) {
      await writeInput((chunk) => writeChunk(child, chunk, signal));
      child.stdin.end();
    }
    const exitCode = await exited;
    if (signal?.aborted) throw new AbortError(`${program} was aborted.`, signal.reason);
    return { exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') };
  } catch (error) {
    child.kill('SIGKILL');
    await exited.catch(() => {});
    if (signal?.aborted && !AbortError.isInstance(error)) {
      throw new AbortError(`${program} was aborted.`, signal.reason);
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function writeChunk(
  child: ChildProcess,
  chunk: Uint8Array,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw new AbortError('The write was aborted.', signal.reason);
  const stdin = child.stdin!;
  if (stdin.destroyed || child.exitCode !== null) return; // died early: its exit code tells why
  if (!stdin.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        stdin.off('drain', done);
        child.off('close', done);
        resolve();
      };
      stdin.on('drain', done);
      child.on('close', done);
    });
  }
}

function missingOrRethrow(error: unknown, executable: string, program: 'ffmpeg' | 'ffprobe'): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES') {
    return new EncoderMissingError(
      program,
      `Could not run ${program} ('${executable}': ${code}). ${installHint(program)}`,
      {
        cause: error,
      },
    );
  }
  return error;
}
