/**
 * The load run of the status endpoints (not part of the tests): the service on its own redis-server on
 * a loopback port, one finished job and a few queued ones, then autocannon against each endpoint for a
 * bounded time and count, loopback only. Prints requests/s, latency and errors per endpoint; exits 1 on
 * any error or non-2xx answer.
 *
 *   pnpm --filter @mav/service load [-- --seconds 10 --connections 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRedisServer } from '../src/queue/redis-server-process.js';
import { startService } from '../src/start-service.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
const seconds = Math.min(60, Math.max(1, Number(values.seconds)));
const connections = Math.min(100, Math.max(1, Number(values.connections)));
const maxRequests = 500_000;

const folder = mkdtempSync(join(tmpdir(), 'mav-service-load-'));
const redis = await startRedisServer();
const service = await startService({
  host: '127.0.0.1',
  port: 0,
  redisUrl: redis.url,
  dataDirectory: folder,
  workers: 1,
  model: 'random:tiny',
  threads: 1,
  executionProvider: 'cpu',
  maxQueued: 1000,
  retryAfterSeconds: 30,
  // The per-client limit would answer most of this one client's requests with 429: off for the run.
  rateLimit: false,
  cwd: folder,
  env: {},
  onLog: () => {},
});
const post = async (body: unknown) => {
  const response = await fetch(`${service.url}/v1/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await response.json()) as { id: string }).id;
};

try {
  const doneId = await post({ mode: 'text', prompt: 'a red circle', steps: 1, frames: 4, formats: ['gif'] });
  for (;;) {
    const job = (await (await fetch(`${service.url}/v1/jobs/${doneId}`)).json()) as { state: string };
    if (job.state === 'done') break;
    if (job.state === 'failed' || job.state === 'cancelled') throw new Error(`the first job ${job.state}`);
    await delay(100);
  }
  const endpoints = [
    { name: 'GET /v1/jobs/{id} (done)', path: `/v1/jobs/${doneId}` },
    { name: 'GET /v1/jobs?limit=20', path: '/v1/jobs?limit=20' },
    { name: 'GET /ready', path: '/ready' },
    { name: 'GET /health', path: '/health' },
  ];
  const rows: string[] = [];
  let failures = 0;
  for (const endpoint of endpoints) {
    const result = await autocannon({
      url: `${service.url}${endpoint.path}`,
      connections,
      duration: seconds,
      maxOverallRequests: maxRequests,
    });
    const errors = result.errors + result.timeouts + result.non2xx;
    failures += errors;
    rows.push(
      [
        endpoint.name.padEnd(28),
        `${Math.round(result.requests.average)} req/s`.padStart(12),
        `p50 ${result.latency.p50} ms`.padStart(11),
        `p99 ${result.latency.p99} ms`.padStart(11),
        `${result.requests.total} requests`.padStart(17),
        `${errors} errors`.padStart(10),
      ].join('  '),
    );
  }
  process.stdout.write(
    `load run: ${connections} connections, ${seconds} s per endpoint (at most ${maxRequests} requests), loopback, BullMQ on redis-server\n${rows.join('\n')}\n`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
} finally {
  await service.close();
  await redis.stop();
  rmSync(folder, { recursive: true, force: true });
}
