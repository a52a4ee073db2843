/**
 * Every mode through the API (BullMQ on a real redis-server, a worker in the process): each job's files
 * download and decode with ffmpeg to the expected frames; progress streams as Server-Sent Events; the
 * job list, health, readiness and the OpenAPI document answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../src/api/job-view.js';
import {
  call,
  cleanupAfterAll,
  downloadAndDecode,
  gifBase64,
  pngBase64,
  quickJob,
  quickJobFrames,
  type ResponseBody,
  startTestService,
  waitForFinished,
} from './service-helpers.js';

const cleanup = cleanupAfterAll();
let url = '';
beforeAll(async () => {
  ({ url } = await startTestService(cleanup));
});

async function runJob(body: Record<string, unknown>): Promise<JobView> {
  const created = await call(`${url}/v1/jobs`, { body: { ...quickJob, ...body } });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  expect(created.headers.get('location')).toBe(`/v1/jobs/${created.body.id}`);
  const job = await waitForFinished(url, created.body.id);
  expect(job.state, JSON.stringify(job.error)).toBe('done');
  return job;
}

describe('every mode, every format', () => {
  it('text to video in MP4, WebM and GIF: each file decodes to 16 frames of 32x32', async () => {
    const job = await runJob({
      mode: 'text',
      prompt: 'a red circle',
      seed: 3,
      formats: ['mp4', 'webm', 'gif'],
    });
    expect(job.seed).toBe(3);
    expect(job.attempts).toBe(1);
    expect(job.files.map((file) => file.format)).toEqual(['mp4', 'webm', 'gif']);
    const types = { mp4: 'video/mp4', webm: 'video/webm', gif: 'image/gif' };
    for (const file of job.files) {
      const decoded = await downloadAndDecode(url, file);
      expect(decoded).toEqual({
        status: 200,
        contentType: types[file.format],
        numFrames: quickJobFrames,
        width: 32,
        height: 32,
      });
      expect(file.numFrames).toBe(quickJobFrames);
    }
  });

  it('animate, interpolate and extrapolate from uploads', async () => {
    const image = pngBase64(24);
    const animated = await runJob({ mode: 'animate', image, prompt: 'it moves', formats: ['gif'] });
    expect((await downloadAndDecode(url, animated.files[0]!)).numFrames).toBe(quickJobFrames);
    const between = await runJob({
      mode: 'interpolate',
      first: image,
      last: pngBase64(16),
      formats: ['mp4'],
    });
    expect((await downloadAndDecode(url, between.files[0]!)).numFrames).toBe(quickJobFrames);
    // 2 frames read, 4 key frames in all: (4 − 1) × 5 + 1 after ↑F, at 8 × 5 = 40 fps (MP4: exact timing).
    const longer = await runJob({
      mode: 'extrapolate',
      video: await gifBase64(6),
      inputFrames: 2,
      formats: ['mp4'],
    });
    expect(longer.files[0]?.fps).toBe(40);
    expect((await downloadAndDecode(url, longer.files[0]!)).numFrames).toBe(quickJobFrames);
  });

  it('variations: one file per video, and size stops the cascade early', async () => {
    const job = await runJob({ mode: 'variations', prompt: 'a blue square', count: 2, formats: ['gif'] });
    expect(job.files.map((file) => [file.index, file.format])).toEqual([
      [1, 'gif'],
      [2, 'gif'],
    ]);
    for (const file of job.files) expect((await downloadAndDecode(url, file)).numFrames).toBe(quickJobFrames);
    // 16x16 is SR_l^t's size: SR_h does not run.
    const small = await runJob({ mode: 'text', prompt: 'small', size: 16, formats: ['gif'] });
    const decoded = await downloadAndDecode(url, small.files[0]!);
    expect([decoded.width, decoded.height, decoded.numFrames]).toEqual([16, 16, quickJobFrames]);
  });
});

describe('following a job', () => {
  it('streams queued/running/done as Server-Sent Events, the last one with the files', async () => {
    const created = await call(`${url}/v1/jobs`, {
      body: { mode: 'text', prompt: 'stream me', ...quickJob, formats: ['gif'] },
    });
    const response = await fetch(`${url}/v1/jobs/${created.body.id}/events`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text(); // the stream ends after the job finishes
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: job'))
      .map((block) => JSON.parse(block.split('\ndata: ')[1]!) as JobView);
    const states = events.map((event) => event.state);
    expect(states.at(-1)).toBe('done');
    expect(states.filter((state) => state !== 'queued' && state !== 'running')).toEqual(['done']);
    expect(events.at(-1)?.files[0]?.numFrames).toBe(quickJobFrames);
    const running = events.filter((event) => event.state === 'running' && event.progress !== null);
    expect(running.length).toBeGreaterThan(0);
    for (const event of running) {
      expect(event.progress!.step).toBeGreaterThanOrEqual(1);
      expect(event.progress!.fraction).toBeGreaterThanOrEqual(0);
      expect(event.progress!.fraction).toBeLessThanOrEqual(1);
    }
    const fractions = running.map((event) => event.progress!.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('lists jobs newest first and by state; health, readiness and the OpenAPI document answer', async () => {
    const all = await call(`${url}/v1/jobs?limit=100`);
    expect(all.status).toBe(200);
    const created = all.body.jobs.map((job: JobView) => job.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    const done = await call(`${url}/v1/jobs?state=done&limit=2`);
    expect(done.body.jobs).toHaveLength(2);
    expect(done.body.jobs.every((job: JobView) => job.state === 'done')).toBe(true);

    expect((await call(`${url}/health`)).body).toEqual({ status: 'ok' });
    const ready = await call(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, engine: 'bullmq', workers: 1 });

    const openapi = await call(`${url}/openapi.json`);
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths).sort()).toEqual([
      '/health',
      '/ready',
      '/v1/jobs',
      '/v1/jobs/{id}',
      '/v1/jobs/{id}/cancel',
      '/v1/jobs/{id}/events',
      '/v1/jobs/{id}/result',
    ]);
    // The request schema is the one that validates: its modes and a limit from it.
    const body = openapi.body.paths['/v1/jobs'].post.requestBody.content['application/json'].schema;
    const modes = body.oneOf.map((variant: ResponseBody) => variant.properties.mode.enum[0]).sort();
    expect(modes).toEqual(['animate', 'extrapolate', 'interpolate', 'text', 'variations']);
    const text = body.oneOf.find((variant: ResponseBody) => variant.properties.mode.enum[0] === 'text');
    expect(text.properties.frames).toMatchObject({ type: 'integer', minimum: 1, maximum: 1024 });
    expect(text.required).toEqual(['mode', 'prompt']);
  });
});
