/**
 * Helpers for the service tests: a redis-server of the test's own on a free loopback port, the service and
 * its workers as real processes (this app's `main.ts`, as the README runs it), HTTP calls, and inputs
 * made with `@mav/video-io`'s encoders.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { encodeFrames, encodePng, VideoFrames } from '@mav/video-io';
import { readVideo } from '@mav/video-io/node';
import { afterAll } from 'vitest';
import type { JobView } from '../src/api/job-view.js';
import { startRedisServer } from '../src/queue/redis-server-process.js';
import { type ServiceOptions, startService } from '../src/start-service.js';

/** This app's folder. */
export const serviceDirectory = fileURLToPath(new URL('..', import.meta.url));

/** What a test file stops and removes after its tests, last started first (registers the `afterAll`). */
export function cleanupAfterAll(): (() => void | Promise<void>)[] {
  const steps: (() => void | Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of steps.reverse()) await step();
  });
  return steps;
}

/** A fresh temporary folder, removed by `cleanup`. */
export function temporaryFolder(cleanup: (() => void | Promise<void>)[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'mav-service-test-'));
  cleanup.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Waits until `check` returns a value other than undefined (polling), at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** A process of this app (`serve` or `worker`) with its output kept line by line. */
export class AppProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(
      process.execPath,
      ['--conditions=@mav/source', '--import', 'tsx', 'src/main.ts', ...args],
      {
        cwd: serviceDirectory,
        env: { ...process.env, MAV_CWD: options.cwd, MAV_MODEL: 'random:tiny', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString('utf8');
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        this.lines.push(...parts);
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
  }

  /** The first output line matching `pattern` (waits for it). */
  waitForLine(pattern: RegExp, timeoutMs = 90_000): Promise<RegExpExecArray> {
    return waitFor(
      `a line matching ${pattern} (output so far:\n${this.lines.join('\n')})`,
      () => {
        if (this.child.exitCode !== null) throw new Error(`the process exited:\n${this.lines.join('\n')}`);
        for (const line of this.lines) {
          const match = pattern.exec(line);
          if (match) return match;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then waits for the exit. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Starts `serve` and waits for its `listening on` line; returns the process and the base URL. */
export async function startServeProcess(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ service: AppProcess; url: string }> {
  const service = new AppProcess(['serve', '--port', '0', ...args], options);
  const match = await service.waitForLine(/^listening on (http:\/\/\S+)/);
  return { service, url: match[1]! };
}

/** A parsed JSON response body, read field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields
export type ResponseBody = any;

/** A JSON request; the parsed body (or undefined) with the status and headers. */
export async function call(
  url: string,
  options: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: ResponseBody; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Polls job `id` until it is done, failed or cancelled. */
export function waitForFinished(
  url: string,
  id: string,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<JobView> {
  return waitFor(
    `job ${id} to finish`,
    async () => {
      const { body } = await call(`${url}/v1/jobs/${id}`, { headers: options.headers ?? {} });
      return ['done', 'failed', 'cancelled'].includes(body?.state) ? (body as JobView) : undefined;
    },
    options.timeoutMs ?? 90_000,
  );
}

/** Downloads a file of a finished job and decodes it with ffmpeg; its frame count and size. */
export async function downloadAndDecode(
  url: string,
  file: { url: string },
): Promise<{ status: number; contentType: string | null; numFrames: number; width: number; height: number }> {
  const response = await fetch(`${url}${file.url}`);
  const data = new Uint8Array(await response.arrayBuffer());
  const frames = await readVideo({ data });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    numFrames: frames.numFrames,
    width: frames.width,
    height: frames.height,
  };
}

/** A `size`×`size` PNG with a colour gradient, base64. */
export function pngBase64(size = 16): string {
  const data = new Uint8Array(size * size * 3);
  for (let index = 0; index < size * size; index++) {
    data[index * 3] = (index * 7) % 256;
    data[index * 3 + 1] = (index * 3) % 256;
    data[index * 3 + 2] = 128;
  }
  return Buffer.from(encodePng({ width: size, height: size, data })).toString('base64');
}

/** A short GIF video (`numFrames` frames, 16×16), base64. */
export async function gifBase64(numFrames = 4): Promise<string> {
  const size = 16;
  const data = new Uint8Array(numFrames * size * size * 3);
  for (let index = 0; index < data.length; index++) data[index] = (index * 13) % 256;
  const frames = new VideoFrames({ width: size, height: size, fps: 8, data });
  return Buffer.from(await encodeFrames({ frames, format: 'gif' })).toString('base64');
}

/** The options every test job uses: one sampling step per stage, 4 key frames (16 frames after ↑F). */
export const quickJob = { steps: 1, frames: 4 } as const;

/** Frames of a text-to-video result of {@link quickJob}: (4 − 1) × 5 + 1. */
export const quickJobFrames = 16;

/** The service in this process on the test's own redis-server, with one in-process worker unless told. */
export async function startTestService(
  cleanup: (() => void | Promise<void>)[],
  overrides: Partial<ServiceOptions> = {},
): Promise<{ url: string; folder: string; results: string; logs: string[] }> {
  const folder = temporaryFolder(cleanup);
  const redis = await startRedisServer();
  cleanup.push(() => redis.stop());
  const logs: string[] = [];
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    redisUrl: redis.url,
    dataDirectory: folder,
    workers: 1,
    model: 'random:tiny',
    threads: 1,
    executionProvider: 'cpu',
    maxQueued: 100,
    retryAfterSeconds: 7,
    cwd: folder,
    env: {},
    onLog: (line) => logs.push(line),
    ...overrides,
  });
  cleanup.push(() => service.close());
  return { url: service.url, folder, results: join(folder, 'results'), logs };
}
