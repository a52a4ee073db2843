/**
 * A private `redis-server` child on a free loopback port: the one-machine set-up runs the same BullMQ
 * code as a fleet without the user starting anything. With a data folder it persists (append-only file),
 * so queued jobs survive a restart of the service; the tests start their own the same way.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ServiceConfigError } from '../service-config-error.js';
import { connectRedis } from './redis-names.js';

/** True when a `redis-server` binary can be run (`redis-server --version`). */
export function redisServerAvailable(executable = 'redis-server'): boolean {
  const result = spawnSync(executable, ['--version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released again at once). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port from the kernel');
  return address.port;
}

/** A running redis-server child. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Stops it (SIGTERM: with persistence the append-only file is flushed) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Data folder; with it the server persists (append-only file, fsync every second). Without: memory only. */
  readonly dataDirectory?: string;
  /** Default: a free loopback port. */
  readonly port?: number;
  readonly executable?: string;
}

/** Starts redis-server on 127.0.0.1 and waits until it answers PING (at most 10 s). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await freeLoopbackPort());
  const persistence =
    options.dataDirectory === undefined
      ? ['--save', '', '--appendonly', 'no']
      : ['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', options.dataDirectory];
  if (options.dataDirectory !== undefined) mkdirSync(options.dataDirectory, { recursive: true });
  const child = spawn(
    options.executable ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'yes', ...persistence],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let failure = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    failure += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const url = `redis://127.0.0.1:${port}`;
  const client = connectRedis(url);
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const early = await Promise.race([spawnError, exited.then(() => undefined), delay(100, 'waiting')]);
      if (early !== 'waiting') {
        const reason = early instanceof Error ? early.message : failure.trim() || 'it exited';
        throw new ServiceConfigError(`redis-server did not start on port ${port}: ${reason}`);
      }
      const answer = await client.ping().catch(() => undefined);
      if (answer === 'PONG') break;
      if (attempt === 99) {
        child.kill('SIGKILL');
        throw new ServiceConfigError(`redis-server on port ${port} did not answer within 10 s.`);
      }
    }
  } finally {
    client.disconnect();
  }
  return {
    url,
    port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
