/**
 * The `serve` command's work: pick the queue, start the local workers, listen.
 *
 * - With a Redis URL: BullMQ on that Redis; workers run anywhere (`worker` command), plus `workers` here.
 * - Without one, on one machine: a private `redis-server` child (persistent, in the data folder) and the
 *   same BullMQ code, when the binary exists; else p-queue in this process (jobs kept in memory only).
 * - Local workers run in this process (default) or as child processes (`workerProcesses`).
 */
import { join, resolve } from 'node:path';
import { buildServer, type ServerOptions } from './http/build-server.js';
import { BullmqJobQueue } from './queue/bullmq-job-queue.js';
import type { JobQueue, JobRunner } from './queue/job-queue.js';
import { MemoryJobQueue } from './queue/memory-job-queue.js';
import { defaultPrefix, defaultQueueName, type RedisQueueSettings } from './queue/redis-names.js';
import {
  type RedisServerProcess,
  redisServerAvailable,
  startRedisServer,
} from './queue/redis-server-process.js';
import { ResultDirectory } from './results/result-directory.js';
import { ServiceConfigError } from './service-config-error.js';
import { startWorkerProcesses, type WorkerProcesses } from './worker/worker-processes.js';

/** Options of {@link startService}. */
export interface ServiceOptions extends Pick<ServerOptions, 'token' | 'rateLimit' | 'maxUploadBytes'> {
  readonly host: string;
  readonly port: number;
  /** A shared Redis (`redis://host:port/db`); without it, one machine (private Redis or memory). */
  readonly redisUrl?: string | undefined;
  /** `memory` forces the in-process queue even where redis-server exists. */
  readonly queue?: 'auto' | 'memory';
  /** One-machine state: `results/` (unless `results` is given) and the private Redis's `redis/`. */
  readonly dataDirectory: string;
  readonly results?: string | undefined;
  readonly queueName?: string;
  readonly prefix?: string;
  /** Workers started with the service (0: the fleet's workers do the work). */
  readonly workers: number;
  /** Run them as child processes instead of in this process. */
  readonly workerProcesses?: boolean;
  readonly model?: string | undefined;
  readonly threads?: number | undefined;
  readonly executionProvider?: 'auto' | 'cpu' | 'cuda';
  readonly maxQueued: number;
  readonly retryAfterSeconds: number;
  readonly lockDurationMs?: number | undefined;
  readonly stalledIntervalMs?: number | undefined;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Lines for the command to print. */
  readonly onLog: (line: string) => void;
}

/** A running service. */
export interface RunningService {
  readonly url: string;
  readonly engine: JobQueue['engine'];
  close(): Promise<void>;
}

/** Starts the queue, the local workers and the HTTP server. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const dataDirectory = resolve(options.cwd, options.dataDirectory);
  const resultsPath = resolve(options.cwd, options.results ?? join(dataDirectory, 'results'));
  const results = new ResultDirectory(resultsPath);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let redisUrl = options.redisUrl;
    let privateRedis: RedisServerProcess | undefined;
    if (redisUrl === undefined && options.queue !== 'memory' && redisServerAvailable()) {
      privateRedis = await startRedisServer({ dataDirectory: join(dataDirectory, 'redis') });
      stops.push(() => privateRedis!.stop());
      redisUrl = privateRedis.url;
      options.onLog(
        `queue: BullMQ on a private redis-server (${redisUrl}, data in ${join(dataDirectory, 'redis')})`,
      );
    }
    const queueCommon = { maxQueued: options.maxQueued, retryAfterSeconds: options.retryAfterSeconds };
    let queue: JobQueue;
    if (redisUrl !== undefined) {
      const settings: RedisQueueSettings = {
        url: redisUrl,
        queueName: options.queueName ?? defaultQueueName,
        prefix: options.prefix ?? defaultPrefix,
      };
      queue = new BullmqJobQueue({ ...settings, ...queueCommon });
      stops.push(() => queue.close());
      if (privateRedis === undefined) options.onLog(`queue: BullMQ on ${redisUrl}`);
      await startLocalWorkers(options, settings, resultsPath, stops);
    } else {
      const why = options.queue === 'memory' ? '--queue memory' : 'redis-server is not installed';
      options.onLog(`queue: in this process (p-queue): ${why}, so queued jobs do not survive a restart`);
      queue = new MemoryJobQueue({ runners: await loadRunners(options, results, stops), ...queueCommon });
      stops.push(() => queue.close());
    }
    const app = await buildServer({
      queue,
      results,
      token: options.token,
      ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
      onServerError: (error, request) =>
        options.onLog(
          `error in ${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`,
        ),
    });
    stops.push(() => app.close());
    const address = await app.listen({ host: options.host, port: options.port }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL' && code !== 'EACCES') throw error;
      throw new ServiceConfigError(
        `cannot listen on ${options.host}:${options.port} (${code}): give another --port or --host.`,
        { cause: error },
      );
    });
    options.onLog(`results: ${resultsPath}`);
    return { url: address, engine: queue.engine, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startLocalWorkers(
  options: ServiceOptions,
  settings: RedisQueueSettings,
  results: string,
  stops: (() => Promise<void>)[],
): Promise<void> {
  if (options.workers <= 0) return;
  const common = {
    ...(options.model === undefined ? {} : { model: options.model }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.lockDurationMs === undefined ? {} : { lockDurationMs: options.lockDurationMs }),
    ...(options.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: options.stalledIntervalMs }),
  };
  if (options.workerProcesses) {
    const flags = Object.entries({
      '--redis-url': settings.url,
      '--queue-name': settings.queueName,
      '--prefix': settings.prefix,
      '--results': results,
      '--model': common.model,
      '--threads': common.threads,
      '--backend': options.executionProvider,
      '--lock-ms': common.lockDurationMs,
      '--stalled-ms': common.stalledIntervalMs,
    }).flatMap(([flag, value]) => (value === undefined ? [] : [flag, String(value)]));
    const children: WorkerProcesses = startWorkerProcesses({
      count: options.workers,
      workerArguments: flags,
      onLine: (worker, line) => options.onLog(`worker-${worker}: ${line}`),
    });
    stops.push(() => children.stop());
    return;
  }
  // Loaded here, not at the top: a service without workers of its own never loads the cascade's runtime.
  const { startWorker } = await import('./worker/start-worker.js');
  for (let index = 1; index <= options.workers; index++) {
    const worker = await startWorker({
      ...common,
      redis: settings,
      results,
      name: `inline-${index}`,
      executionProvider: options.executionProvider ?? 'auto',
      cwd: options.cwd,
      env: options.env,
      onLog: (line) => options.onLog(`worker-${index}: ${line}`),
    });
    stops.push(() => worker.close({ force: true }));
  }
}

/** The in-process runners of the memory queue (at least one: nothing else would run the jobs). */
async function loadRunners(
  options: ServiceOptions,
  results: ResultDirectory,
  stops: (() => Promise<void>)[],
): Promise<JobRunner[]> {
  const { CascadeJobRunner } = await import('./worker/cascade-job-runner.js');
  const { loadWorkerCascade } = await import('./worker/load-worker-cascade.js');
  const { describeModel, randomWeightsNotice, selectModel } = await import('./worker/model-selection.js');
  const selection = selectModel({ model: options.model, cwd: options.cwd, env: options.env });
  if (selection.kind === 'random' && selection.fallback) options.onLog(`note: ${randomWeightsNotice}`);
  const runners: JobRunner[] = [];
  for (let index = 0; index < Math.max(1, options.workers); index++) {
    const { cascade, backendDescription } = await loadWorkerCascade({
      selection,
      executionProvider: options.executionProvider ?? 'auto',
      threads: options.threads,
    });
    stops.push(() => cascade.dispose());
    runners.push(new CascadeJobRunner({ cascade, results }));
    options.onLog(
      `worker-${index + 1}: ready: model ${describeModel(selection)}; backend ${backendDescription}`,
    );
  }
  return runners;
}
