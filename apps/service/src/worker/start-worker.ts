/**
 * A worker as the `worker` command (and the service's in-process workers) start it: pick the model, load
 * the cascade once with warm sessions, then take jobs from the BullMQ queue until closed.
 */

import type { RedisQueueSettings } from '../queue/redis-names.js';
import { ResultDirectory } from '../results/result-directory.js';
import { type RunningWorker, startBullmqWorker, type WorkerEvent } from './bullmq-worker.js';
import { CascadeJobRunner } from './cascade-job-runner.js';
import { loadWorkerCascade } from './load-worker-cascade.js';
import { describeModel, randomWeightsNotice, selectModel } from './model-selection.js';

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  readonly redis: RedisQueueSettings;
  /** The shared results folder. */
  readonly results: string;
  /** `--model`: a model folder or manifest, or `random:tiny`; default `MAV_MODEL`, then the embedded model. */
  readonly model?: string | undefined;
  readonly threads?: number | undefined;
  readonly executionProvider?: 'auto' | 'cpu' | 'cuda';
  readonly name?: string | undefined;
  readonly lockDurationMs?: number | undefined;
  readonly stalledIntervalMs?: number | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Lines for the command to print. */
  readonly onLog: (line: string) => void;
}

/** `job 1b4e… started`, `job 1b4e… failed (corrupt-input): ...` */
export function formatWorkerEvent(event: WorkerEvent): string {
  switch (event.kind) {
    case 'failed':
      return `job ${event.jobId} ${event.code === 'cancelled' ? 'cancelled' : `failed (${event.code}): ${event.message}`}`;
    case 'error':
      return `queue error: ${event.message}`;
    default:
      return `job ${event.jobId} ${event.kind}`;
  }
}

/** Loads the model and starts taking jobs; close it to stop (the cascade is released). */
export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const results = new ResultDirectory(options.results);
  const selection = selectModel({ model: options.model, cwd: options.cwd, env: options.env });
  if (selection.kind === 'random' && selection.fallback) options.onLog(`note: ${randomWeightsNotice}`);
  const { cascade, backendDescription } = await loadWorkerCascade({
    selection,
    executionProvider: options.executionProvider ?? 'auto',
    threads: options.threads,
  });
  const worker = await startBullmqWorker({
    ...options.redis,
    runner: new CascadeJobRunner({ cascade, results }),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.lockDurationMs === undefined ? {} : { lockDurationMs: options.lockDurationMs }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: options.stalledIntervalMs }),
    onEvent: (event) => options.onLog(formatWorkerEvent(event)),
  });
  options.onLog(`worker ready: model ${describeModel(selection)}; backend ${backendDescription}`);
  return {
    async close(closeOptions) {
      await worker.close(closeOptions);
      await cascade.dispose();
    },
  };
}
