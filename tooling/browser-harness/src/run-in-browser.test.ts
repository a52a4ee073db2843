import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomStream } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInBrowser } from './run-in-browser.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../test-fixtures/${name}`, import.meta.url));

describe('runInBrowser', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'mav-browser-harness-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('returns the value the entry computed, with args round-tripped', async () => {
    const args = { values: [3, -1.5, 10], label: 'ünïcödé </script>', nested: { flag: true } };
    const { value } = await runInBrowser<{
      sum: number;
      squares: number[];
      echoed: typeof args;
      userAgentHasChrome: boolean;
    }>({ entry: fixture('compute.ts'), args });
    expect(value.sum).toBe(11.5);
    expect(value.squares).toEqual([9, 2.25, 100]);
    expect(value.echoed).toEqual(args);
    expect(value.userAgentHasChrome).toBe(true);
  });

  it('gives the SwiftShader WebGPU adapter with webgpu: true', async () => {
    const { value } = await runInBrowser<{
      hasNavigatorGpu: boolean;
      adapterFound: boolean;
      architecture: string;
    }>({
      entry: fixture('webgpu-probe.ts'),
      webgpu: true,
    });
    expect(value).toEqual({ hasNavigatorGpu: true, adapterFound: true, architecture: 'swiftshader' });
  });

  it('gives no WebGPU adapter with webgpu: false', async () => {
    // Debian Chromium still defines navigator.gpu, but requestAdapter() resolves to null without the flag.
    const { value, logs } = await runInBrowser<{ hasNavigatorGpu: boolean; adapterFound: boolean }>({
      entry: fixture('webgpu-probe.ts'),
      webgpu: false,
    });
    expect(value).toEqual({ hasNavigatorGpu: true, adapterFound: false, architecture: null });
    expect(logs.join('\n')).toContain('No available adapters');
  });

  it('rejects with the message and stack of an entry that throws', async () => {
    const failure = runInBrowser({ entry: fixture('throws.ts'), args: { code: 417 } });
    await expect(failure).rejects.toThrow(/RangeError: deliberate failure with code 417/);
    await expect(failure).rejects.toThrow(/failDeliberately/);
    // Stack frames point at the original TypeScript (line 2 of the fixture throws), not at the bundle.
    await expect(failure).rejects.toThrow(/test-fixtures\/throws\.ts:2:\d+/);
  });

  it('maps stack frames inside workspace packages back to their TypeScript sources', async () => {
    const failure = runInBrowser({ entry: fixture('workspace-throws.ts'), webgpu: false });
    await expect(failure).rejects.toThrow(/RangeError: seed must be a safe non-negative integer/);
    await expect(failure).rejects.toThrow(/packages\/tensor\/src\/random-stream\.ts:\d+:\d+/);
  });

  it('rejects with esbuild messages when the entry cannot be bundled', async () => {
    const entry = join(scratch, 'broken-import.ts');
    await writeFile(
      entry,
      "import { nothing } from './does-not-exist.js';\nexport default async () => nothing;\n",
    );
    await expect(runInBrowser({ entry })).rejects.toThrow(/esbuild could not bundle[\s\S]*does-not-exist/);
  });

  it('refuses a static import of a Node built-in, but keeps a dynamic one in a Node-only branch', async () => {
    const staticImport = join(scratch, 'static-node-import.ts');
    await writeFile(
      staticImport,
      "import { readFileSync } from 'node:fs';\nexport default async () => typeof readFileSync;\n",
    );
    await expect(runInBrowser({ entry: staticImport })).rejects.toThrow(
      /"node:fs" is a Node built-in module/,
    );

    const dynamicImport = join(scratch, 'dynamic-node-import.ts');
    await writeFile(
      dynamicImport,
      "export default async () => {\n  if (typeof window === 'undefined') await import('node:fs');\n  return 'browser branch';\n};\n",
    );
    expect((await runInBrowser({ entry: dynamicImport, webgpu: false })).value).toBe('browser branch');
  });

  it('rejects an entry without a default export function', async () => {
    const entry = join(scratch, 'no-default.ts');
    await writeFile(entry, 'export const value = 1;\n');
    await expect(runInBrowser({ entry })).rejects.toThrow(/no default export function/);
  });

  it('serves staticDirs to the page and answers 404 to path traversal', async () => {
    const publicDirectory = join(scratch, 'public');
    await mkdir(publicDirectory, { recursive: true });
    await writeFile(join(publicDirectory, 'greeting.txt'), 'hello from a static dir');
    await writeFile(join(scratch, 'package.json'), '{"secret":true}');
    const { value } = await runInBrowser<Array<{ path: string; status: number; text: string }>>({
      entry: fixture('fetch-paths.ts'),
      args: { paths: ['/static/greeting.txt', '/static/../package.json', '/static/%2e%2e/package.json'] },
      staticDirs: { '/static/': publicDirectory },
    });
    expect(value[0]).toMatchObject({ status: 200, text: 'hello from a static dir' });
    expect(value[1]!.status).toBe(404);
    expect(value[2]!.status).toBe(404);
    expect(value.map((result) => result.text).join('')).not.toContain('secret');
  });

  it('runs the page cross-origin isolated, so SharedArrayBuffer works with workers', async () => {
    const { value } = await runInBrowser({ entry: fixture('isolation.ts') });
    expect(value).toEqual({
      crossOriginIsolated: true,
      sharedArrayBufferType: 'function',
      sharedWithWorker: true,
    });
  });

  it('writes a PNG screenshot of the page after the entry finished', async () => {
    const screenshotPath = join(scratch, 'page.png');
    const { value } = await runInBrowser({
      entry: fixture('draw-canvas.ts'),
      html: '<canvas width="64" height="32"></canvas>',
      screenshotPath,
    });
    expect(value).toEqual({ width: 64, height: 32 });
    const png = await readFile(screenshotPath);
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  });

  it('collects console messages from the page into logs', async () => {
    const { value, logs } = await runInBrowser({
      entry: fixture('console-output.ts'),
      args: { marker: 'm-7f3a' },
    });
    expect(value).toBe('logged');
    expect(logs).toContain('[log] hello from the page m-7f3a');
    expect(logs).toContain('[warning] a warning m-7f3a');
  });

  it('rejects with a timeout error, holding the last logs, when the entry never finishes', async () => {
    const failure = runInBrowser({ entry: fixture('never-finishes.ts'), timeoutMs: 5_000 });
    await expect(failure).rejects.toThrow(/did not finish within 5000 ms/);
    await expect(failure).rejects.toThrow(/started and waiting forever/);
  });

  it('bundles workspace packages from their TypeScript sources', async () => {
    const args = { seed: 1234, count: 6 };
    const { value } = await runInBrowser<number[]>({
      entry: fixture('workspace-import.ts'),
      args,
      webgpu: false,
    });
    // @mav/tensor's deterministic math is meant to give the same bits in Node and in browsers.
    expect(value).toEqual(Array.from(new RandomStream({ seed: args.seed }).normal(args.count)));
  });

  it('rejects a relative entry path and a non-positive timeout', async () => {
    await expect(runInBrowser({ entry: 'test-fixtures/compute.ts' })).rejects.toThrow(TypeError);
    await expect(runInBrowser({ entry: fixture('compute.ts'), timeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});
