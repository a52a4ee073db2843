/**
 * Bad requests against the service process (a token set, uploads limited to 64 KiB): each gets the right
 * 4xx and a JSON error naming the field, and afterwards the process still answers and still runs a job.
 */
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer } from '../src/queue/redis-server-process.js';
import {
  type AppProcess,
  call,
  cleanupAfterAll,
  gifBase64,
  pngBase64,
  quickJob,
  startServeProcess,
  temporaryFolder,
  waitForFinished,
} from './service-helpers.js';

const cleanup = cleanupAfterAll();
const token = 'test-token-7f3a';
const auth = { authorization: `Bearer ${token}` };
const maxUploadBytes = 65_536;
let url = '';
let service: AppProcess;

beforeAll(async () => {
  const folder = temporaryFolder(cleanup);
  const redis = await startRedisServer();
  cleanup.push(() => redis.stop());
  ({ service, url } = await startServeProcess(
    [
      ...['--redis-url', redis.url, '--results', `${folder}/results`, '--workers', '1'],
      ...['--model', 'random:tiny', '--threads', '1'],
      ...['--token', token, '--max-upload-bytes', String(maxUploadBytes)],
    ],
    { cwd: folder },
  ));
  cleanup.push(() => service.stop());
});

/** A PNG whose header claims `width`×`height` (a valid IHDR chunk, a tiny image data chunk). */
function pngClaiming(width: number, height: number): string {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]).toString('base64');
}

interface BadRequest {
  readonly name: string;
  readonly path?: string;
  readonly method?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly field: string;
}

const text = { mode: 'text', prompt: 'a red circle' };
const missingId = '7d6f1f0e-1b2c-4d3e-8f90-a1b2c3d4e5f6';

function badRequests(): BadRequest[] {
  const json = { 'content-type': 'application/json' };
  return [
    {
      name: 'malformed JSON',
      rawBody: '{"mode": "text", ',
      headers: json,
      status: 400,
      code: 'malformed-json',
      field: 'body',
    },
    { name: 'a JSON array', body: [text], status: 400, code: 'invalid-request', field: 'body' },
    {
      name: 'text/plain',
      rawBody: 'mode=text',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'unsupported-media-type',
      field: 'header.content-type',
    },
    {
      name: 'unknown mode',
      body: { mode: 'dance', prompt: 'x' },
      status: 400,
      code: 'invalid-request',
      field: 'body.mode',
    },
    { name: 'no prompt', body: { mode: 'text' }, status: 400, code: 'invalid-request', field: 'body.prompt' },
    {
      name: 'seed as a string',
      body: { ...text, seed: '12' },
      status: 400,
      code: 'invalid-request',
      field: 'body.seed',
    },
    {
      name: 'a fraction of a step',
      body: { ...text, steps: 2.5 },
      status: 400,
      code: 'invalid-request',
      field: 'body.steps',
    },
    {
      name: 'too many frames',
      body: { ...text, frames: 5000 },
      status: 400,
      code: 'invalid-request',
      field: 'body.frames',
    },
    { name: 'fps zero', body: { ...text, fps: 0 }, status: 400, code: 'invalid-request', field: 'body.fps' },
    {
      name: 'an unknown field',
      body: { ...text, colour: 'red' },
      status: 400,
      code: 'invalid-request',
      field: 'body.colour',
    },
    {
      name: 'an unknown format',
      body: { ...text, formats: ['avi'] },
      status: 400,
      code: 'invalid-request',
      field: 'body.formats.0',
    },
    {
      name: 'variations of nothing',
      body: { mode: 'variations', count: 2 },
      status: 400,
      code: 'invalid-request',
      field: 'body.prompt',
    },
    {
      name: 'an image that is not base64',
      body: { mode: 'animate', image: '%%%not-base64%%%' },
      status: 400,
      code: 'invalid-request',
      field: 'body.image',
    },
    {
      name: 'an upload over the limit',
      body: { mode: 'animate', image: Buffer.alloc(maxUploadBytes + 3).toString('base64') },
      status: 413,
      code: 'upload-too-large',
      field: 'body.image',
    },
    {
      name: 'a body over the limit',
      rawBody: `{"mode":"text","prompt":"${'x'.repeat(4 * maxUploadBytes)}"}`,
      headers: json,
      status: 413,
      code: 'body-too-large',
      field: 'body',
    },
    {
      name: 'bytes that are no image',
      body: { mode: 'animate', image: Buffer.from('GIF89a, not really').toString('base64') },
      status: 415,
      code: 'unsupported-upload',
      field: 'body.image',
    },
    {
      name: 'a truncated PNG',
      body: {
        mode: 'interpolate',
        first: pngBase64(16),
        last: Buffer.from(pngBase64(16), 'base64').subarray(0, 60).toString('base64'),
      },
      status: 422,
      code: 'corrupt-upload',
      field: 'body.last',
    },
    {
      name: 'a PNG claiming 100000x100000 pixels',
      body: { mode: 'animate', image: pngClaiming(100_000, 100_000) },
      status: 413,
      code: 'upload-too-large',
      field: 'body.image',
    },
    {
      name: 'a video that does not decode',
      body: { mode: 'extrapolate', video: Buffer.from('\x1aE\xdf\xa3 broken webm').toString('base64') },
      status: 422,
      code: 'corrupt-upload',
      field: 'body.video',
    },
    {
      name: 'no token',
      body: text,
      headers: { authorization: '' },
      status: 401,
      code: 'unauthorized',
      field: 'header.authorization',
    },
    {
      name: 'a wrong token',
      path: '/v1/jobs',
      headers: { authorization: 'Bearer nope' },
      status: 401,
      code: 'unauthorized',
      field: 'header.authorization',
    },
    {
      name: 'an unknown job id',
      path: `/v1/jobs/${missingId}`,
      status: 404,
      code: 'job-not-found',
      field: 'params.id',
    },
    {
      name: 'a job id that is a path',
      path: `/v1/jobs/..%2F..%2Fetc%2Fpasswd/result`,
      status: 400,
      code: 'invalid-request',
      field: 'params.id',
    },
    {
      name: 'cancelling an unknown job',
      path: `/v1/jobs/${missingId}/cancel`,
      method: 'POST',
      status: 404,
      code: 'job-not-found',
      field: 'params.id',
    },
    {
      name: 'a list limit of 0',
      path: '/v1/jobs?limit=0',
      status: 400,
      code: 'invalid-request',
      field: 'query.limit',
    },
    {
      name: 'an unknown state',
      path: '/v1/jobs?state=sleeping',
      status: 400,
      code: 'invalid-request',
      field: 'query.state',
    },
    { name: 'an unknown route', path: '/v2/everything', status: 404, code: 'no-route', field: 'url' },
  ];
}

describe('bad requests', () => {
  it('each gets the right 4xx with a JSON error naming the field, and no process crashes', async () => {
    const cases = badRequests();
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const bad of cases) {
      const headers = { ...auth, ...bad.headers };
      if (headers.authorization === '') delete (headers as Record<string, string>).authorization;
      const response = await call(`${url}${bad.path ?? '/v1/jobs'}`, {
        ...(bad.method === undefined ? {} : { method: bad.method }),
        ...(bad.body === undefined ? {} : { body: bad.body }),
        ...(bad.rawBody === undefined ? {} : { rawBody: bad.rawBody, method: 'POST' }),
        headers,
      });
      const summary = `${bad.name}: ${JSON.stringify(response.body)}`;
      expect(response.status, summary).toBe(bad.status);
      expect(response.headers.get('content-type'), summary).toMatch(/^application\/json/);
      expect(response.body.error, summary).toMatchObject({
        status: bad.status,
        code: bad.code,
        field: bad.field,
      });
      expect(response.body.error.message, summary).toContain(bad.field);
      if (bad.status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(service.running).toBe(true);
  });

  it('a job not done yet has no file to download (409), and the service still runs jobs', async () => {
    const created = await call(`${url}/v1/jobs`, {
      body: { ...text, ...quickJob, formats: ['gif'] },
      headers: auth,
    });
    expect(created.status).toBe(202);
    const early = await call(`${url}/v1/jobs/${created.body.id}/result`, { headers: auth });
    if (early.status !== 200) {
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('job-not-done');
    }
    const job = await call(`${url}/v1/jobs/${created.body.id}`, { headers: auth });
    expect(job.status).toBe(200);
    expect((await waitForFinished(url, created.body.id, { headers: auth })).state).toBe('done');
    const wrongFormat = await call(`${url}/v1/jobs/${created.body.id}/result?format=webm`, { headers: auth });
    expect(wrongFormat.status).toBe(404);
    expect(wrongFormat.body.error).toMatchObject({ code: 'no-such-file', field: 'query.format' });
    // A valid video upload passes the checks.
    const video = await call(`${url}/v1/jobs`, {
      body: { mode: 'extrapolate', video: await gifBase64(4), ...quickJob, formats: ['gif'] },
      headers: auth,
    });
    expect(video.status, JSON.stringify(video.body)).toBe(202);
    expect((await call(`${url}/health`, { headers: auth })).status).toBe(200);
    expect(service.running).toBe(true);
  });
});
