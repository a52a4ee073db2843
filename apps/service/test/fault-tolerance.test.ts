/**
 * A fleet on one machine: a real redis-server, the service process and 2 worker processes. One worker is
 * killed with SIGKILL while it runs a job; BullMQ's stalled-job check hands that job to the other worker,
 * and every job completes exactly once with a file that decodes to the expected frames.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readVideo } from '@mav/video-io/node';
import { QueueEvents } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { defaultPrefix, defaultQueueName, redisOptionsFrom } from '../src/queue/redis-names.js';
import { startRedisServer } from '../src/queue/redis-server-process.js';
import {
  AppProcess,
  call,
  cleanupAfterAll,
  quickJob,
  quickJobFrames,
  startServeProcess,
  temporaryFolder,
  waitFor,
  waitForFinished,
} from './service-helpers.js';

const cleanup = cleanupAfterAll();

function workerArguments(redisUrl: string, results: string, name: string): string[] {
  return [
    'worker',
    ...['--redis-url', redisUrl, '--results', results, '--model', 'random:tiny', '--threads', '1'],
    // A dead worker's lock runs out after 5 s; the live one looks for stalled jobs every second.
    ...['--lock-ms', '5000', '--stalled-ms', '1000', '--name', name],
  ];
}

describe('redis-server, the service and 2 worker processes', () => {
  it('completes 12 jobs, each exactly once, when a worker is killed (SIGKILL) in the middle of a job', async () => {
    const folder = temporaryFolder(cleanup);
    const results = join(folder, 'results');
    const redis = await startRedisServer({ dataDirectory: join(folder, 'redis') });
    cleanup.push(() => redis.stop());
    const { service, url } = await startServeProcess(
      ['--redis-url', redis.url, '--results', results, '--workers', '0'],
      { cwd: folder },
    );
    cleanup.push(() => service.stop());
    const workers = ['worker-a', 'worker-b'].map((name) => {
      const worker = new AppProcess(workerArguments(redis.url, results, name), { cwd: folder });
      cleanup.push(() => worker.stop());
      return worker;
    });
    await Promise.all(workers.map((worker) => worker.waitForLine(/worker ready/)));

    // Completions as BullMQ itself reports them (its event stream in Redis).
    const events = new QueueEvents(defaultQueueName, {
      connection: redisOptionsFrom(redis.url, { blocking: true }),
      prefix: defaultPrefix,
    });
    cleanup.push(() => events.close());
    await events.waitUntilReady();
    const completions = new Map<string, number>();
    events.on('completed', ({ jobId }) => completions.set(jobId, (completions.get(jobId) ?? 0) + 1));

    const ids: string[] = [];
    for (let index = 0; index < 12; index++) {
      const { status, body } = await call(`${url}/v1/jobs`, {
        body: {
          mode: 'text',
          prompt: `a red circle, job ${index}`,
          seed: index,
          formats: ['gif'],
          ...quickJob,
        },
      });
      expect(status, JSON.stringify(body)).toBe(202);
      ids.push(body.id);
    }

    // Kill worker A as soon as it has started its second job: that job is in the middle of its run.
    const [victim, survivor] = workers as [AppProcess, AppProcess];
    const started = await waitFor('worker A to start a second job', () => {
      const lines = victim.lines.filter((line) => /^job \S+ started$/.test(line));
      return lines.length >= 2 ? lines[1]!.split(' ')[1]! : undefined;
    });
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    expect(victim.lines).not.toContain(`job ${started} completed`);

    const finished = [];
    for (const id of ids) finished.push(await waitForFinished(url, id, { timeoutMs: 120_000 }));
    expect(
      finished.map((job) => job.state),
      JSON.stringify(finished.filter((job) => job.state !== 'done')),
    ).toEqual(ids.map(() => 'done'));

    // The killed job ran twice (started by A, then by B) and completed once, on B.
    expect(finished.find((job) => job.id === started)?.attempts).toBe(2);
    expect(survivor.lines).toContain(`job ${started} completed`);
    // Every job completed exactly once: by BullMQ's events and by the workers' own reports.
    await waitFor('12 completion events', () => (completions.size === 12 ? true : undefined));
    expect([...completions.entries()].sort()).toEqual(ids.map((id) => [id, 1] as const).sort());
    const reported = [...victim.lines, ...survivor.lines].filter((line) => line.endsWith(' completed'));
    expect(reported.sort()).toEqual(ids.map((id) => `job ${id} completed`).sort());

    // One complete file per job, nothing else (no temporary file of the killed run), each 16 frames.
    expect(readdirSync(results).sort()).toEqual(ids.map((id) => `${id}-1.gif`).sort());
    for (const job of finished) {
      expect(job.files).toHaveLength(1);
      const frames = await readVideo({ path: join(results, `${job.id}-1.gif`) });
      expect(frames.numFrames).toBe(quickJobFrames);
      expect(job.files[0]?.numFrames).toBe(quickJobFrames);
    }
    expect(service.running).toBe(true);
  }, 180_000);
});
