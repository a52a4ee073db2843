/**
 * A worker that takes jobs from the BullMQ queue, one at a time, and runs them with a {@link JobRunner}
 * (a loaded cascade). Its lock on the running job is renewed while it lives; when it dies, the lock
 * runs out, another worker's stalled-job check moves the job back to the queue, and a live worker runs
 * it again. A cancellation arrives on a Redis channel and aborts the job's AbortSignal; a job marked
 * cancelled before it started is dropped.
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerResult } from '../queue/bullmq-snapshot.js';
import { cancelledError, decodeJobError, encodeJobError, jobErrorFrom } from '../queue/job-failure.js';
import type { JobPayload, JobRunner } from '../queue/job-queue.js';
import {
  cancelChannel,
  cancelKey,
  connectRedis,
  type RedisQueueSettings,
  redisOptionsFrom,
} from '../queue/redis-names.js';

/** Options of {@link startBullmqWorker}. */
export interface BullmqWorkerOptions extends RedisQueueSettings {
  readonly runner: JobRunner;
  /** Shown by BullMQ as the job's worker (default: BullMQ's). */
  readonly name?: string;
  /** How long a job's lock lasts without renewal (ms, default 30 s): how soon a dead worker's job moves on. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs (ms, default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Called when a job starts, ends, or when the connection reports an error (the command logs them). */
  readonly onEvent?: (event: WorkerEvent) => void;
}

/** What a worker reports. */
export type WorkerEvent =
  | { readonly kind: 'started' | 'completed'; readonly jobId: string }
  | { readonly kind: 'failed'; readonly jobId: string; readonly code: string; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

/** A running worker. */
export interface RunningWorker {
  /** Stops taking jobs; a running job is left to the stalled-job check (`force`) or finished first. */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/** Starts a worker on the queue; it takes jobs until closed. */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<RunningWorker> {
  const marks = connectRedis(options.url);
  const subscriber = connectRedis(options.url, { blocking: true });
  const report = options.onEvent ?? (() => {});

  // The third parameter matters: BullMQ passes the job's AbortSignal only to a processor that takes it.
  const processor = async (
    job: Job<JobPayload, WorkerResult>,
    _token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<WorkerResult> => {
    const id = job.id!;
    if ((await marks.exists(cancelKey(options, id))) === 1) {
      await options.runner.discard(id);
      throw new UnrecoverableError(encodeJobError(cancelledError));
    }
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    report({ kind: 'started', jobId: id });
    // Progress goes out in order; a lost update only makes the next one jump further.
    let pending = Promise.resolve();
    try {
      const files = await options.runner.run(
        { id, payload: job.data },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            pending = pending.then(() => job.updateProgress(progress)).catch(() => {});
          },
        },
      );
      await pending;
      return { files };
    } catch (error) {
      await pending;
      throw new UnrecoverableError(encodeJobError(jobErrorFrom(error, controller.signal)));
    }
  };

  const worker = new Worker<JobPayload, WorkerResult>(options.queueName, processor, {
    connection: redisOptionsFrom(options.url, { blocking: true }),
    prefix: options.prefix,
    concurrency: 1,
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
  });
  // Reported once BullMQ has recorded the outcome: a worker that lost its job's lock does not say 'completed'.
  worker.on('completed', (job) => report({ kind: 'completed', jobId: job.id! }));
  worker.on('failed', (job, error) => {
    if (job?.id !== undefined) report({ kind: 'failed', jobId: job.id, ...decodeJobError(error.message) });
  });
  worker.on('error', (error) => report({ kind: 'error', message: error.message }));

  await subscriber.subscribe(cancelChannel(options));
  subscriber.on('message', (_channel: string, id: string) => {
    worker.cancelJob(id, 'cancelled');
  });
  await worker.waitUntilReady();

  return {
    async close(closeOptions = {}) {
      await worker.close(closeOptions.force ?? false);
      subscriber.disconnect();
      marks.disconnect();
    },
  };
}
