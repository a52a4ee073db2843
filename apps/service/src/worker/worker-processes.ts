/**
 * Worker child processes for the one-machine set-up (`serve --worker-processes`): each runs this app's
 * `worker` command against the service's Redis, holds its own cascade, and is started again when it dies
 * (its job meanwhile goes to another worker through BullMQ's stalled-job check).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The entry point of this app (`src/main.ts`). */
export const mainModulePath = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Options of {@link startWorkerProcesses}. */
export interface WorkerProcessesOptions {
  readonly count: number;
  /** Arguments after `worker` (`--redis-url ... --results ...`). */
  readonly workerArguments: readonly string[];
  /** Each line a child prints, with its number (1 … count). */
  readonly onLine?: (worker: number, line: string) => void;
  /** Milliseconds before a dead child is started again (default 1000). */
  readonly restartDelayMs?: number;
}

/** Running worker children. */
export interface WorkerProcesses {
  /** Stops every child (SIGTERM) and waits for them. */
  stop(): Promise<void>;
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let pending = '';
  stream?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line !== '') onLine(line);
  });
}

/** Starts `count` worker processes with the Node flags of this one (`--conditions`, `--import tsx`). */
export function startWorkerProcesses(options: WorkerProcessesOptions): WorkerProcesses {
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();

  const start = (worker: number) => {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        mainModulePath,
        'worker',
        '--name',
        `worker-${worker}`,
        ...options.workerArguments,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
    );
    children.set(worker, child);
    const onLine = (line: string) => options.onLine?.(worker, line);
    forwardLines(child.stdout, onLine);
    forwardLines(child.stderr, onLine);
    child.on('exit', (code, signal) => {
      children.delete(worker);
      if (stopping) return;
      onLine(`exited (${signal ?? code}); starting it again`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(worker);
      }, options.restartDelayMs ?? 1000);
      timers.add(timer);
    });
  };
  for (let worker = 1; worker <= options.count; worker++) start(worker);

  return {
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
