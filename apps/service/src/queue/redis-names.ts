/**
 * The names the service and its workers share in Redis: BullMQ's queue name and key prefix, and the key
 * and channel through which a cancellation reaches whichever worker holds the job.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ServiceConfigError } from '../service-config-error.js';

/** Where a queue lives in Redis. */
export interface RedisQueueSettings {
  /** `redis://host:port/db` */
  readonly url: string;
  /** BullMQ queue name (default `generate`). */
  readonly queueName: string;
  /** BullMQ key prefix (default `mav`). */
  readonly prefix: string;
}

/** The defaults of {@link RedisQueueSettings} besides the URL. */
export const defaultQueueName = 'generate';
export const defaultPrefix = 'mav';

/** Seconds a cancellation mark is kept (long enough for any queued job to reach a worker). */
export const cancelMarkSeconds = 7 * 24 * 3600;

/** The key that marks job `id` as cancelled. */
export function cancelKey(settings: RedisQueueSettings, id: string): string {
  return `${settings.prefix}:${settings.queueName}:cancel:${id}`;
}

/** The channel that announces cancellations (message: the job id). */
export function cancelChannel(settings: RedisQueueSettings): string {
  return `${settings.prefix}:${settings.queueName}:cancel`;
}

/**
 * Connection options for a `redis://` or `rediss://` URL. Given as options rather than a client, BullMQ
 * opens and closes its connections itself. `blocking` (workers, queue events): commands wait out a
 * reconnection (`maxRetriesPerRequest: null`, as BullMQ requires); otherwise a command fails after two
 * retries, so that a request answers 503 instead of hanging while Redis is away.
 */
export function redisOptionsFrom(url: string, options: { readonly blocking?: boolean } = {}): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServiceConfigError(`the Redis URL ${JSON.stringify(url)} is not a URL (redis://host:port/db).`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ServiceConfigError(
      `the Redis URL must start with redis:// or rediss://, got ${parsed.protocol}//.`,
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new ServiceConfigError(`the Redis URL's database must be a number, got ${JSON.stringify(db)}.`);
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: options.blocking ? null : 2,
  };
}

/** A Redis client of our own (cancellation marks and announcements). */
export function connectRedis(url: string, options: { readonly blocking?: boolean } = {}): Redis {
  const client = new Redis(redisOptionsFrom(url, options));
  // Errors surface through the commands that need Redis; an unanswered 'error' event would end the process.
  client.on('error', () => {});
  return client;
}
