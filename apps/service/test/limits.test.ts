/**
 * The limits: a full queue answers 429 with Retry-After (the service on a real redis-server with no
 * worker, so that jobs stay queued), the per-client rate limit answers 429 too, and the bearer token
 * guards every route, health included.
 */
import { describe, expect, it } from 'vitest';
import { call, cleanupAfterAll, quickJob, startTestService } from './service-helpers.js';

const cleanup = cleanupAfterAll();

const job = { mode: 'text', prompt: 'a red circle', ...quickJob };

describe('limits', () => {
  it('a full queue answers 429 with Retry-After; the queued jobs stay queued', async () => {
    const { url } = await startTestService(cleanup, { workers: 0, maxQueued: 3, retryAfterSeconds: 7 });
    for (let index = 0; index < 3; index++)
      expect((await call(`${url}/v1/jobs`, { body: job })).status).toBe(202);
    const full = await call(`${url}/v1/jobs`, { body: job });
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('7');
    expect(full.body.error).toMatchObject({ status: 429, code: 'queue-full', field: null });
    const listed = await call(`${url}/v1/jobs?state=queued`);
    expect(listed.body.jobs).toHaveLength(3);
    const ready = await call(`${url}/ready`);
    expect(ready.body).toMatchObject({ ready: true, workers: 0, queued: 3, running: 0 });
  });

  it('more requests than the rate limit answer 429 with Retry-After, per client', async () => {
    const { url } = await startTestService(cleanup, { workers: 0, rateLimit: { max: 5, windowMs: 60_000 } });
    const statuses: number[] = [];
    for (let index = 0; index < 7; index++) statuses.push((await call(`${url}/health`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await call(`${url}/v1/jobs`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate-limited');
    // Another client (another token) has its own budget.
    expect(
      (await call(`${url}/health`, { headers: { authorization: 'Bearer another-client' } })).status,
    ).toBe(200);
  });

  it('with a token, every route needs it', async () => {
    const { url } = await startTestService(cleanup, { workers: 0, token: 'sesame' });
    for (const path of ['/health', '/ready', '/openapi.json', '/v1/jobs']) {
      const refused = await call(`${url}${path}`);
      expect(refused.status, path).toBe(401);
      expect(refused.body.error.field).toBe('header.authorization');
      const allowed = await call(`${url}${path}`, { headers: { authorization: 'Bearer sesame' } });
      expect(allowed.status, path).toBe(200);
    }
    const openapi = await call(`${url}/openapi.json`, { headers: { authorization: 'Bearer sesame' } });
    expect(openapi.body.security).toEqual([{ bearer: [] }]);
  });
});
