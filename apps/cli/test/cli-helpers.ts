/**
 * Helpers for the CLI tests: run `mav` in-process with captured streams, or as a real process.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import type { CliContext, ModelLoader } from '../src/cli-context.js';
import { loadModel } from '../src/load-model.js';

/** The CLI package folder. */
export const cliDirectory = fileURLToPath(new URL('..', import.meta.url));

/**
 * A default-model manifest path that does not exist: in-process runs see no shipped default model (and so
 * fall back to the random-weight tiny cascade, with its notice) unless a test names one. The tests of the
 * shipped model itself are main-command.test.ts and the package's own (models/default).
 */
export const noDefaultModel = fileURLToPath(new URL('./no-default-model/manifest.json', import.meta.url));

/** What a run printed and returned. */
export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `mav argv` in this process. */
export async function runInProcess(
  argv: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    signal?: AbortSignal;
    loadModel?: ModelLoader;
    defaultManifestPath?: string;
  },
): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const context: CliContext = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    cwd: options.cwd,
    env: options.env ?? {},
    signal: options.signal ?? new AbortController().signal,
    loadModel: options.loadModel ?? loadModel,
    defaultManifestPath: options.defaultManifestPath ?? noDefaultModel,
  };
  const status = await runCli(argv, context);
  await new Promise((resolve) => setImmediate(resolve));
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

/** The command line that runs the CLI from source, as the `mav` package script does. */
export function cliCommand(argv: readonly string[]): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: ['--conditions=@mav/source', '--import', 'tsx', 'src/main.ts', ...argv],
  };
}

/**
 * Starts `mav argv` as a real process in the CLI folder (user paths resolve against `cwd` through
 * `MAV_CWD`). `onStderr` sees stderr as it arrives.
 */
export function spawnCli(
  argv: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    /** Runs the process as another user (needs root). */
    runAs?: { uid: number; gid: number };
  },
): Promise<CliRun & { signal: NodeJS.Signals | null }> {
  const { command, args } = cliCommand(argv);
  const child = spawn(command, args, {
    cwd: cliDirectory,
    // Without --model a real process runs the random-weight tiny cascade, not the shipped default model.
    env: { ...process.env, MAV_CWD: options.cwd, MAV_MODEL: 'random:tiny', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.runAs ?? {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status: status ?? -1, signal, stdout, stderr }));
  });
}
