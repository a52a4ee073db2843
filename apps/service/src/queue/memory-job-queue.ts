/**
 * The fallback queue for one machine without redis-server: p-queue runs the jobs in this process, as many
 * at a time as there are runners, and the jobs live in memory (a restart loses the queued ones; install
 * Redis to keep them). Same interface and the same states as the BullMQ queue.
 */
import { EventEmitter } from 'node:events';
import PQueue from 'p-queue';
import type { JobState } from '../api/job-view.js';
import { ServiceError } from '../api/service-error.js';
import { cancelledError, jobErrorFrom } from './job-failure.js';
import type { JobPayload, JobQueue, JobRunner, JobSnapshot, QueueReadiness } from './job-queue.js';

/** Options of {@link MemoryJobQueue}. */
export interface MemoryJobQueueOptions {
  /** One per concurrent job (each holds its own cascade); usually one. */
  readonly runners: readonly JobRunner[];
  readonly maxQueued: number;
  readonly retryAfterSeconds: number;
  /** Finished jobs kept for reading back (the oldest are forgotten first). */
  readonly keepFinished?: number;
}

interface Entry {
  snapshot: JobSnapshot;
  readonly payload: JobPayload;
  controller?: AbortController;
}

/** A {@link JobQueue} held in this process. */
export class MemoryJobQueue implements JobQueue {
  readonly engine = 'memory' as const;
  readonly #options: MemoryJobQueueOptions;
  readonly #queue: PQueue;
  readonly #idle: JobRunner[];
  readonly #jobs = new Map<string, Entry>();
  readonly #events = new EventEmitter();

  constructor(options: MemoryJobQueueOptions) {
    if (options.runners.length === 0) throw new RangeError('runners must hold at least one JobRunner.');
    this.#options = options;
    this.#idle = [...options.runners];
    this.#queue = new PQueue({ concurrency: options.runners.length });
    this.#events.setMaxListeners(0);
  }

  async add(id: string, payload: JobPayload): Promise<JobSnapshot> {
    if (this.#queue.size >= this.#options.maxQueued) {
      throw new ServiceError(
        429,
        'queue-full',
        `the queue is full (${this.#queue.size} jobs waiting, at most ${this.#options.maxQueued}); retry later.`,
        { retryAfterSeconds: this.#options.retryAfterSeconds },
      );
    }
    const snapshot: JobSnapshot = {
      id,
      mode: payload.request.mode,
      state: 'queued',
      seed: payload.seed,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      progress: null,
      files: [],
      error: null,
    };
    const entry: Entry = { snapshot, payload };
    this.#jobs.set(id, entry);
    this.#forgetOld();
    void this.#queue.add(() => this.#run(entry));
    return snapshot;
  }

  async get(id: string): Promise<JobSnapshot | undefined> {
    return this.#jobs.get(id)?.snapshot;
  }

  async list(options: {
    readonly state?: JobState | undefined;
    readonly limit: number;
  }): Promise<JobSnapshot[]> {
    return [...this.#jobs.values()]
      .map((entry) => entry.snapshot)
      .filter((snapshot) => options.state === undefined || snapshot.state === options.state)
      .reverse()
      .slice(0, options.limit);
  }

  async cancel(id: string): Promise<JobSnapshot | undefined> {
    const entry = this.#jobs.get(id);
    if (entry === undefined) return undefined;
    if (entry.snapshot.state === 'queued') {
      this.#update(entry, {
        state: 'cancelled',
        error: cancelledError,
        finishedAt: new Date().toISOString(),
      });
    } else if (entry.snapshot.state === 'running') {
      entry.controller?.abort('cancelled');
    }
    return entry.snapshot;
  }

  subscribe(id: string, listener: () => void): () => void {
    this.#events.on(id, listener);
    return () => this.#events.off(id, listener);
  }

  async readiness(): Promise<QueueReadiness> {
    return {
      ready: true,
      engine: this.engine,
      workers: this.#options.runners.length,
      queued: this.#queue.size,
      running: this.#queue.pending,
    };
  }

  async close(): Promise<void> {
    this.#queue.clear();
    for (const entry of this.#jobs.values()) entry.controller?.abort('the service is stopping');
    await this.#queue.onIdle();
  }

  async #run(entry: Entry): Promise<void> {
    const runner = this.#idle.pop()!;
    if (entry.snapshot.state !== 'queued') {
      // cancelled while it waited
      this.#idle.push(runner);
      await runner.discard(entry.snapshot.id);
      return;
    }
    const controller = new AbortController();
    entry.controller = controller;
    this.#update(entry, {
      state: 'running',
      startedAt: new Date().toISOString(),
      attempts: entry.snapshot.attempts + 1,
    });
    try {
      const files = await runner.run(
        { id: entry.snapshot.id, payload: entry.payload },
        { signal: controller.signal, onProgress: (progress) => this.#update(entry, { progress }) },
      );
      this.#update(entry, { state: 'done', files, finishedAt: new Date().toISOString() });
    } catch (error) {
      const failure = jobErrorFrom(error, controller.signal);
      this.#update(entry, {
        state: failure.code === cancelledError.code ? 'cancelled' : 'failed',
        error: failure,
        finishedAt: new Date().toISOString(),
      });
    } finally {
      entry.controller = undefined;
      this.#idle.push(runner);
    }
  }

  #update(entry: Entry, change: Partial<JobSnapshot>): void {
    entry.snapshot = { ...entry.snapshot, ...change };
    this.#events.emit(entry.snapshot.id, entry.snapshot);
  }

  #forgetOld(): void {
    const keep = this.#options.keepFinished ?? 1000;
    const finished = [...this.#jobs.values()].filter((entry) => entry.snapshot.finishedAt !== null);
    // A Map keeps insertion order: the first finished entries are the oldest.
    for (const entry of finished.slice(0, Math.max(0, finished.length - keep))) {
      this.#jobs.delete(entry.snapshot.id);
    }
  }
}
