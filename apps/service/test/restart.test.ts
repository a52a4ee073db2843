/**
 * One machine, no setup: `serve` starts its own redis-server (persistent, in the data folder). Jobs queued
 * while no worker runs survive a restart of the service and complete after it (run then by a worker child
 * process). Without redis-server, the same API queues in the service's own process.
 */
import { describe, expect, it } from 'vitest';
import {
  call,
  cleanupAfterAll,
  quickJob,
  quickJobFrames,
  startServeProcess,
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

    // This time with its worker in a child process.
    const second = await startServeProcess([...common, '--workers', '1', '--worker-processes'], {
      cwd: folder,
    });
    cleanup.push(() => second.service.stop());
    for (const id of ids) {
      const job = await waitForFinished(second.url, id);
      expect(job.state).toBe('done');
      expect(job.files[0]?.numFrames).toBe(quickJobFrames);
    }
  }, 150_000);

  it('without redis-server installed, queues in the process (p-queue) behind the same API', async () => {
    const folder = temporaryFolder(cleanup);
    // A PATH with no redis-server (nor ffmpeg: the jobs write GIFs, which need none).
    const { service, url } = await startServeProcess(['--model', 'random:tiny', '--threads', '1'], {
      cwd: folder,
      env: { PATH: folder },
    });
    cleanup.push(() => service.stop());
    expect(service.lines.join('\n')).toMatch(
      /queue: in this process \(p-queue\): redis-server is not installed/,
    );
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
