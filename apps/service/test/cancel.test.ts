/**
 * Cancellation: the cascade stops within one sampling step of the abort and the job leaves no file,
 * whether it is aborted inside the runner or cancelled through the API (BullMQ on a real redis-server).
 */
import { readdirSync } from 'node:fs';
import type { StageName } from '@mav/cascade';
import { AbortError } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import type { JobRequest } from '../src/api/job-request.js';
import type { JobProgress } from '../src/api/job-view.js';
import { ResultDirectory } from '../src/results/result-directory.js';
import { CascadeJobRunner } from '../src/worker/cascade-job-runner.js';
import { loadWorkerCascade } from '../src/worker/load-worker-cascade.js';
import {
  call,
  cleanupAfterAll,
  quickJob,
  startTestService,
  temporaryFolder,
  waitFor,
  waitForFinished,
} from './service-helpers.js';

const cleanup = cleanupAfterAll();

/** One step per stage but `decoderSteps` for the decoder: a job that is long in one known stage. */
function longDecoder(decoderSteps: number): JobRequest['steps'] {
  return { prior: 1, decoder: decoderSteps, interpolation: 1, superResolutionLow: 1, superResolutionHigh: 1 };
}

describe('cancelling a running job', () => {
  it('stops the cascade within one sampling step of the abort and writes no file', async () => {
    const folder = temporaryFolder(cleanup);
    const { cascade } = await loadWorkerCascade({
      selection: { kind: 'random', preset: 'tiny', fallback: false },
      executionProvider: 'cpu',
      threads: 1,
    });
    cleanup.push(() => cascade.dispose());
    const results = new ResultDirectory(folder);
    const runner = new CascadeJobRunner({ cascade, results });
    const controller = new AbortController();
    const events: JobProgress[] = [];
    const abortAt = 3;
    const run = runner.run(
      {
        id: '00000000-0000-4000-8000-000000000001',
        payload: {
          seed: 1,
          request: {
            mode: 'text',
            prompt: 'a red circle',
            frames: 4,
            steps: longDecoder(20),
            formats: ['mp4', 'gif'],
          },
        },
      },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          events.push(progress);
          if (progress.stage === 'decoder' && progress.step === abortAt) controller.abort('cancelled');
        },
      },
    );
    const error = await run.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(AbortError.isInstance(error), String(error)).toBe(true);
    const decoderSteps = events.filter((event) => event.stage === 'decoder').map((event) => event.step);
    // The step running when the abort came may finish; none starts after it.
    expect(Math.max(...decoderSteps)).toBeLessThanOrEqual(abortAt + 1);
    expect(events.map((event) => event.stage as StageName)).not.toContain('interpolation');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('through the API: the job ends cancelled, short of its last step, with no file; a queued job never runs', async () => {
    const { url, results } = await startTestService(cleanup);
    const long = await call(`${url}/v1/jobs`, {
      body: { mode: 'text', prompt: 'a long job', frames: 4, steps: longDecoder(400), formats: ['mp4'] },
    });
    expect(long.status).toBe(202);
    const queued = await call(`${url}/v1/jobs`, { body: { mode: 'text', prompt: 'queued', ...quickJob } });
    expect(queued.status).toBe(202);
    await waitFor('the long job to sample its decoder', async () => {
      const { body } = await call(`${url}/v1/jobs/${long.body.id}`);
      return body.progress?.stage === 'decoder' && body.progress.step >= 2 ? true : undefined;
    });

    // The queued job first: it is cancelled at once and never runs.
    const cancelQueued = await call(`${url}/v1/jobs/${queued.body.id}/cancel`, { method: 'POST' });
    expect(cancelQueued.status).toBe(200);
    expect(cancelQueued.body.state).toBe('cancelled');

    const cancelLong = await call(`${url}/v1/jobs/${long.body.id}/cancel`, { method: 'POST' });
    expect(cancelLong.status, JSON.stringify(cancelLong.body)).toBe(200);
    const ended = await waitForFinished(url, long.body.id);
    expect(ended.state).toBe('cancelled');
    expect(ended.error).toEqual({ code: 'cancelled', message: 'the job was cancelled' });
    expect(ended.progress?.stage).toBe('decoder');
    expect(ended.progress?.step).toBeLessThan(400);
    expect(ended.files).toEqual([]);

    const dropped = await waitForFinished(url, queued.body.id);
    expect(dropped.state).toBe('cancelled');
    expect(dropped.progress).toBeNull();
    expect(readdirSync(results)).toEqual([]);

    // Cancelling a finished job changes nothing: 409.
    const again = await call(`${url}/v1/jobs/${long.body.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe('cancelled');
    const done = await call(`${url}/v1/jobs`, {
      body: { mode: 'text', prompt: 'quick', ...quickJob, formats: ['gif'] },
    });
    expect((await waitForFinished(url, done.body.id)).state).toBe('done');
    const late = await call(`${url}/v1/jobs/${done.body.id}/cancel`, { method: 'POST' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('job-finished');
    expect(readdirSync(results)).toEqual([`${done.body.id}-1.gif`]);
  });
});
