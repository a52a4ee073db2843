/**
 * The job queue on BullMQ (Redis): the service adds jobs and reads them back; workers on any machine
 * take them (`worker/bullmq-worker.ts`). BullMQ's locks and stalled-job check hand the job of a dead
 * worker to another; Redis persistence (AOF) keeps queued jobs across restarts. Changes reach
 * subscribers through BullMQ's `QueueEvents` (a Redis stream), cancellations reach workers through a
 * Redis channel plus a mark that a worker checks before it starts a job.
 */
import { type Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobState } from '../api/job-view.js';
import { ServiceError } from '../api/service-error.js';
import { bullmqStatesOf, snapshotOf, type WorkerResult } from './bullmq-snapshot.js';
import type { JobPayload, JobQueue, JobSnapshot, QueueReadiness } from './job-queue.js';
import {
  cancelChannel,
  cancelKey,
  cancelMarkSeconds,
  connectRedis,
  type RedisQueueSettings,
  redisOptionsFrom,
} from './redis-names.js';

/** Options of {@link BullmqJobQueue}. */
export interface BullmqJobQueueOptions extends RedisQueueSettings {
  /** Queued (not yet running) jobs above which `add` answers 429. */
  readonly maxQueued: number;
  /** The Retry-After of that 429, in seconds. */
  readonly retryAfterSeconds: number;
  /** Finished jobs kept for reading back (the newest), and for how long. */
  readonly keepFinished?: { readonly count: number; readonly ageSeconds: number };
}

type BullmqJob = Job<JobPayload, WorkerResult>;

/** A {@link JobQueue} on BullMQ. */
export class BullmqJobQueue implements JobQueue {
  readonly engine = 'bullmq' as const;
  readonly #options: BullmqJobQueueOptions;
  readonly #connection: Redis;
  readonly #queue: Queue<JobPayload, WorkerResult>;
  readonly #listeners = new Map<string, Set<() => void>>();
  #events: QueueEvents | undefined;

  constructor(options: BullmqJobQueueOptions) {
    this.#options = options;
    this.#connection = connectRedis(options.url);
    this.#queue = new Queue(options.queueName, {
      connection: redisOptionsFrom(options.url),
      prefix: options.prefix,
    });
    // Errors surface through the calls that need Redis (a 503 from readiness); keep them off 'error'.
    this.#queue.on('error', () => {});
  }

  async add(id: string, payload: JobPayload): Promise<JobSnapshot> {
    const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'delayed');
    const queued = Object.values(counts).reduce((sum, count) => sum + count, 0);
    if (queued >= this.#options.maxQueued) {
      throw new ServiceError(
        429,
        'queue-full',
        `the queue is full (${queued} jobs waiting, at most ${this.#options.maxQueued}); retry later.`,
        { retryAfterSeconds: this.#options.retryAfterSeconds },
      );
    }
    const keep = this.#options.keepFinished ?? { count: 10_000, ageSeconds: 7 * 24 * 3600 };
    const job = await this.#queue.add(payload.request.mode, payload, {
      jobId: id,
      // One attempt: a failure is reported, not retried. A worker that dies is another matter: its job
      // stalls and BullMQ gives it to another worker.
      attempts: 1,
      removeOnComplete: { count: keep.count, age: keep.ageSeconds },
      removeOnFail: { count: keep.count, age: keep.ageSeconds },
    });
    return snapshotOf(job, 'waiting', false)!;
  }

  async get(id: string): Promise<JobSnapshot | undefined> {
    for (let attempt = 1; ; attempt++) {
      const job = (await this.#queue.getJob(id)) as BullmqJob | undefined;
      if (job === undefined) return undefined;
      const state = await job.getState();
      // The fields and the state are two reads: a job that finished between them reads as finished
      // without its result. Read it again then (a finished job stays finished).
      const finished = state === 'completed' || state === 'failed';
      if (finished && job.finishedOn === undefined && attempt < 3) continue;
      const marked =
        state === 'active' ? false : (await this.#connection.exists(cancelKey(this.#options, id))) === 1;
      return snapshotOf(job, state, marked);
    }
  }

  async list(options: {
    readonly state?: JobState | undefined;
    readonly limit: number;
  }): Promise<JobSnapshot[]> {
    const wanted = options.state === undefined ? undefined : new Set(bullmqStatesOf[options.state]);
    const groups = [['waiting', 'prioritized', 'delayed'], ['active'], ['completed'], ['failed']] as const;
    const snapshots: JobSnapshot[] = [];
    for (const group of groups) {
      const types = group.filter((type) => wanted === undefined || wanted.has(type));
      if (types.length === 0) continue;
      const jobs = (await this.#queue.getJobs([...types], 0, options.limit - 1, false)) as BullmqJob[];
      const live = jobs.filter((job) => job?.id !== undefined);
      const marks =
        group[0] === 'waiting' && live.length > 0
          ? await this.#connection.mget(live.map((job) => cancelKey(this.#options, job.id!)))
          : [];
      const state = group[0] === 'waiting' ? 'waiting' : group[0];
      live.forEach((job, index) => {
        const snapshot = snapshotOf(job, state, marks[index] != null);
        if (snapshot !== undefined && (options.state === undefined || snapshot.state === options.state)) {
          snapshots.push(snapshot);
        }
      });
    }
    // A job that moved on while the groups were read appears twice: keep its later state.
    const latest = new Map<string, JobSnapshot>();
    for (const snapshot of snapshots) latest.set(snapshot.id, snapshot);
    return [...latest.values()]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, options.limit);
  }

  async cancel(id: string): Promise<JobSnapshot | undefined> {
    const before = await this.get(id);
    if (before === undefined || before.state === 'done' || before.state === 'failed') return before;
    // The mark first: a worker that takes the job after this drops it; then the announcement, which
    // aborts the job's AbortSignal in the worker that runs it now.
    await this.#connection.set(cancelKey(this.#options, id), '1', 'EX', cancelMarkSeconds);
    await this.#connection.publish(cancelChannel(this.#options), id);
    this.#notify(id);
    return this.get(id);
  }

  subscribe(id: string, listener: () => void): () => void {
    this.#ensureEvents();
    let set = this.#listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(id);
    };
  }

  async readiness(): Promise<QueueReadiness> {
    try {
      await this.#connection.ping();
      const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      const workers = await this.#queue.getWorkersCount();
      return {
        ready: true,
        engine: this.engine,
        workers,
        queued: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        running: counts.active ?? 0,
      };
    } catch (error) {
      return {
        ready: false,
        engine: this.engine,
        workers: 0,
        queued: 0,
        running: 0,
        reason: `Redis does not answer: ${(error as Error).message}`,
      };
    }
  }

  async close(): Promise<void> {
    await this.#events?.close();
    await this.#queue.close();
    this.#connection.disconnect();
  }

  #ensureEvents(): void {
    if (this.#events !== undefined) return;
    const events = new QueueEvents(this.#options.queueName, {
      connection: redisOptionsFrom(this.#options.url, { blocking: true }),
      prefix: this.#options.prefix,
    });
    events.on('error', () => {});
    for (const name of [
      'waiting',
      'active',
      'progress',
      'completed',
      'failed',
      'stalled',
      'removed',
    ] as const) {
      events.on(name, (event: { jobId: string }) => this.#notify(event.jobId));
    }
    this.#events = events;
  }

  #notify(id: string): void {
    for (const listener of this.#listeners.get(id) ?? []) listener();
  }
}
