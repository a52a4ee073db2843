/**
 * What the HTTP layer needs from a queue, whichever engine holds it: BullMQ on Redis (one machine or a
 * fleet; `bullmq-job-queue.ts`) or p-queue in this process when no Redis can be had
 * (`memory-job-queue.ts`). Workers take the jobs through a {@link JobRunner}.
 */
import type { JobMode, JobRequest } from '../api/job-request.js';
import type { JobError, JobProgress, JobState } from '../api/job-view.js';
import type { ResultFile } from '../results/result-directory.js';

/**
 * What a queued job carries: the checked request (its uploads stored apart: `withStoredUploads`) and the
 * seed chosen when it was created.
 */
export interface JobPayload {
  readonly request: JobRequest;
  readonly seed: number;
}

/** A job as a queue knows it (the HTTP layer adds the download URLs). */
export interface JobSnapshot {
  readonly id: string;
  readonly mode: JobMode;
  readonly state: JobState;
  readonly seed: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly attempts: number;
  readonly progress: JobProgress | null;
  readonly files: readonly ResultFile[];
  readonly error: JobError | null;
}

/** What `readiness()` reports. */
export interface QueueReadiness {
  readonly ready: boolean;
  readonly engine: 'bullmq' | 'memory';
  /** Workers taking jobs now (BullMQ: connected workers of the queue). */
  readonly workers: number;
  readonly queued: number;
  readonly running: number;
  /** Why it is not ready. */
  readonly reason?: string;
}

/** A queue of generation jobs. */
export interface JobQueue {
  readonly engine: 'bullmq' | 'memory';
  /** Queues a job; `ServiceError` 429 (`queue-full`, with Retry-After) when the queue is full. */
  add(id: string, payload: JobPayload): Promise<JobSnapshot>;
  get(id: string): Promise<JobSnapshot | undefined>;
  /** The newest jobs first, at most `limit`, optionally of one state. */
  list(options: { readonly state?: JobState | undefined; readonly limit: number }): Promise<JobSnapshot[]>;
  /**
   * Cancels a job: a queued one never runs, a running one stops within one sampling step (its cascade's
   * AbortSignal) and leaves no file. Undefined when there is no such job; a finished job stays as it is.
   */
  cancel(id: string): Promise<JobSnapshot | undefined>;
  /** Calls `listener` after each change of job `id` (read the job again to see it); returns the unsubscribe. */
  subscribe(id: string, listener: () => void): () => void;
  readiness(): Promise<QueueReadiness>;
  close(): Promise<void>;
}

/** What runs a job: a worker's loaded cascade writing to the results folder. */
export interface JobRunner {
  /** Runs a job; its stored uploads are removed when the run ends, whatever the outcome. */
  run(
    job: { readonly id: string; readonly payload: JobPayload },
    hooks: { readonly signal: AbortSignal; readonly onProgress: (progress: JobProgress) => void },
  ): Promise<readonly ResultFile[]>;
  /** Removes what a job that will not run (cancelled before it started) left waiting: its uploads. */
  discard(id: string): Promise<void>;
}
