/**
 * A BullMQ job as the API shows it. BullMQ's states map onto ours: waiting, prioritized and delayed are
 * `queued` (or `cancelled` once marked: the first worker to take it drops it), active is `running`,
 * completed is `done`, failed is `failed` — or `cancelled` when the typed error says so.
 */
import type { JobState as BullmqState, Job } from 'bullmq';
import type { JobProgress, JobState } from '../api/job-view.js';
import type { ResultFile } from '../results/result-directory.js';
import { cancelledCode, cancelledError, decodeJobError } from './job-failure.js';
import type { JobPayload, JobSnapshot } from './job-queue.js';

/** What a worker returns for a job (its BullMQ `returnvalue`). */
export interface WorkerResult {
  readonly files: readonly ResultFile[];
}

/** BullMQ's states for each of ours (cancelled jobs are among the failed, or still waiting). */
export const bullmqStatesOf: Record<JobState, BullmqState[]> = {
  queued: ['waiting', 'prioritized', 'delayed'],
  running: ['active'],
  done: ['completed'],
  failed: ['failed'],
  cancelled: ['failed', 'waiting', 'prioritized', 'delayed'],
};

function isoOrNull(milliseconds: number | undefined): string | null {
  return milliseconds === undefined || milliseconds === 0 ? null : new Date(milliseconds).toISOString();
}

function progressOf(job: Job): JobProgress | null {
  const { progress } = job;
  return typeof progress === 'object' && progress !== null && 'stage' in progress
    ? (progress as JobProgress)
    : null;
}

/** The snapshot of `job` in BullMQ state `state`; undefined for a state we do not show ('unknown'). */
export function snapshotOf(
  job: Job<JobPayload, WorkerResult>,
  state: BullmqState | 'unknown',
  cancelMarked: boolean,
): JobSnapshot | undefined {
  const base = {
    id: job.id!,
    mode: job.data.request.mode,
    seed: job.data.seed,
    createdAt: new Date(job.timestamp).toISOString(),
    startedAt: isoOrNull(job.processedOn),
    finishedAt: null as string | null,
    attempts: job.attemptsStarted,
    progress: null as JobProgress | null,
    files: [] as readonly ResultFile[],
    error: null as JobSnapshot['error'],
  };
  switch (state) {
    case 'waiting':
    case 'prioritized':
    case 'delayed':
    case 'waiting-children':
      return cancelMarked
        ? { ...base, state: 'cancelled', error: cancelledError }
        : { ...base, state: 'queued' };
    case 'active':
      return { ...base, state: 'running', progress: progressOf(job) };
    case 'completed':
      return {
        ...base,
        state: 'done',
        finishedAt: isoOrNull(job.finishedOn),
        files: job.returnvalue?.files ?? [],
      };
    case 'failed': {
      const error = decodeJobError(job.failedReason);
      return {
        ...base,
        state: error.code === cancelledCode ? 'cancelled' : 'failed',
        finishedAt: isoOrNull(job.finishedOn),
        progress: progressOf(job),
        error,
      };
    }
    default:
      return undefined;
  }
}
