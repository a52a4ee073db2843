import { afterEach, describe, expect, it, vi } from 'vitest';
import { chromiumExecutable, chromiumLaunchArgs, launchChromium } from './chromium.js';
import { serveStatic } from './serve-static.js';

const baseArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('chromiumLaunchArgs', () => {
  it('adds --enable-unsafe-webgpu by default and when webgpu is true', () => {
    expect(chromiumLaunchArgs()).toEqual([...baseArgs, '--enable-unsafe-webgpu']);
    expect(chromiumLaunchArgs({ webgpu: true })).toEqual([...baseArgs, '--enable-unsafe-webgpu']);
  });

  it('leaves WebGPU off when webgpu is false, and never passes --user-data-dir', () => {
    expect(chromiumLaunchArgs({ webgpu: false })).toEqual(baseArgs);
    expect(chromiumLaunchArgs().some((flag) => flag.startsWith('--user-data-dir'))).toBe(false);
  });
});

describe('chromiumExecutable', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('finds a browser on PATH', () => {
    vi.stubEnv('CHROMIUM_PATH', '');
    expect(chromiumExecutable()).toMatch(/(chromium|chromium-browser|google-chrome)$/);
  });

  it('prefers CHROMIUM_PATH', () => {
    const found = chromiumExecutable();
    vi.stubEnv('CHROMIUM_PATH', found);
    vi.stubEnv('PATH', '');
    expect(chromiumExecutable()).toBe(found);
  });

  it('throws a clear error when CHROMIUM_PATH is not an executable', () => {
    vi.stubEnv('CHROMIUM_PATH', new URL('../package.json', import.meta.url).pathname);
    expect(() => chromiumExecutable()).toThrow(/CHROMIUM_PATH .* not an executable/);
  });

  it('says to apt-get install chromium when none is found', () => {
    vi.stubEnv('CHROMIUM_PATH', '');
    vi.stubEnv('PATH', '');
    expect(() => chromiumExecutable()).toThrow(/apt-get install -y chromium/);
  });
});

describe('launchChromium', () => {
  it('launches a headless browser that runs served pages, with WebGPU', async () => {
    // WebGPU needs a secure context: a page from 127.0.0.1 is one, about:blank is not.
    const server = await serveStatic({ routes: {}, files: { '/index.html': '<!doctype html><p>e2e</p>' } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      expect(await page.textContent('p')).toBe('e2e');
      const hasAdapter = await page.evaluate(async () => {
        const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
        return (await gpu?.requestAdapter()) != null;
      });
      expect(hasAdapter).toBe(true);
      expect(await page.evaluate(() => 6 * 7)).toBe(42);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
