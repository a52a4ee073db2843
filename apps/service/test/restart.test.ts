/**
 * One machine, no setup: `serve` starts its own redis-server (persistent, in the data folder). Jobs queued
 * while no worker runs survive a restart of the service and complete after it. Without Redis (the
 * in-process queue), the same API runs jobs too.
 */
import { describe, expect, it } from 'vitest';
import {
  call,
  cleanupAfterAll,
  quickJob,
  quickJobFrames,
  startServeProcess,
  startTestService,
  temporaryFolder,
  waitForFinished,
} from './service-helpers.js';

const cleanup = cleanupAfterAll();

describe('one machine', () => {
  it('keeps queued jobs across a restart of the service (its private redis-server persists them)', async () => {
    const folder = temporaryFolder(cleanup);
    const common = ['--data', 'state', '--model', 'random:tiny', '--threads', '1'];
    const first = await startServeProcess([...common, '--workers', '0'], { cwd: folder });
    cleanup.push(() => first.service.stop());
    expect(first.service.lines.join('\n')).toMatch(/queue: BullMQ on a private redis-server/);
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const created = await call(`${first.url}/v1/jobs`, {
        body: { mode: 'text', prompt: `job ${index}`, ...quickJob, formats: ['gif'] },
      });
      expect(created.status).toBe(202);
      ids.push(created.body.id);
    }
    await first.service.stop();
    expect((await first.service.exited).code).toBe(0);

    const second = await startServeProcess([...common, '--workers', '1'], { cwd: folder });
    cleanup.push(() => second.service.stop());
    for (const id of ids) {
      const job = await waitForFinished(second.url, id);
      expect(job.state).toBe('done');
      expect(job.files[0]?.numFrames).toBe(quickJobFrames);
    }
  });

  it('without Redis, the in-process queue runs and cancels jobs behind the same API', async () => {
    const { url, logs } = await startTestService(cleanup, { queue: 'memory' });
    expect(logs.join('\n')).toMatch(/queue: in this process \(p-queue\)/);
    const created = await call(`${url}/v1/jobs`, {
      body: { mode: 'text', prompt: 'in memory', ...quickJob, formats: ['gif'] },
    });
    const queued = await call(`${url}/v1/jobs`, { body: { mode: 'text', prompt: 'cancel me', ...quickJob } });
    const cancelled = await call(`${url}/v1/jobs/${queued.body.id}/cancel`, { method: 'POST' });
    expect(cancelled.body.state).toBe('cancelled');
    const job = await waitForFinished(url, created.body.id);
    expect(job.state).toBe('done');
    expect(job.files[0]?.numFrames).toBe(quickJobFrames);
    expect((await waitForFinished(url, queued.body.id)).state).toBe('cancelled');
    expect((await call(`${url}/ready`)).body).toMatchObject({ ready: true, engine: 'memory', workers: 1 });
  });
});
