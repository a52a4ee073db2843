/**
 * End-to-end: build the app, serve it next to a model folder holding the tiny random-weight cascade, and
 * drive it in headless Chromium (playwright-core): type a prompt, generate, wait for the video, download
 * the MP4/WebM and the GIF and check with ffprobe that they decode with the frame count and size the
 * model makes. Once on WebGPU (SwiftShader) and once on WASM. Screenshots of the finished page go to
 * `apps/web/test-results/`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { launchChromium, type StaticServer, serveStatic } from '@mav/browser-harness';
import { createMemorySource, loadCascade } from '@mav/cascade';
import { createRandomCascade } from '@mav/cascade/testing';
import { encodePng } from '@mav/video-io';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDirectory = fileURLToPath(new URL('..', import.meta.url));
const resultsDirectory = join(appDirectory, 'test-results');
const workDirectory = mkdtempSync(join(tmpdir(), 'mav-web-e2e-'));
/**
 * Key frames asked of the decoder: few, so that the runs stay quick; fewest on WebGPU, which SwiftShader
 * runs on the CPU (the first session of each stage also compiles its shaders).
 */
const keyFrames = { webgpu: 2, wasm: 4 } as const;

let server: StaticServer;
/** The same app without a model folder. */
let serverWithoutModel: StaticServer;
/** Frames and size of the video the model makes from that many key frames. */
let expected: Record<'webgpu' | 'wasm', { numFrames: number; size: number }>;

interface Probe {
  frames: number;
  width: number;
  height: number;
  codec: string;
}

function probe(path: string): Probe {
  const result = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames,width,height,codec_name',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  const stream = JSON.parse(result.stdout).streams[0];
  return {
    frames: Number(stream.nb_read_frames),
    width: stream.width,
    height: stream.height,
    codec: stream.codec_name,
  };
}

beforeAll(async () => {
  // 1. The model folder: the tiny random cascade, written as files next to its manifest.
  const model = await createRandomCascade({ seed: 1, preset: 'tiny' });
  const modelDirectory = join(workDirectory, 'model');
  for (const [file, bytes] of model.files) {
    mkdirSync(dirname(join(modelDirectory, file)), { recursive: true });
    writeFileSync(join(modelDirectory, file), bytes);
  }
  writeFileSync(join(modelDirectory, 'manifest.json'), JSON.stringify(model.manifest, null, 2));
  // 2. What the model makes, from its own description (onnxruntime-node; nothing runs).
  const cascade = await loadCascade({
    manifest: model.manifest,
    files: createMemorySource(model.files),
    backends: { default: createOnnxruntimeNodeBackend() },
  });
  const made = (numFrames: number) => {
    const last = cascade.describe({ numFrames }).stages.at(-1)!;
    return { numFrames: last.frames, size: last.resolution };
  };
  expected = { webgpu: made(keyFrames.webgpu), wasm: made(keyFrames.wasm) };
  await cascade.dispose();
  // 3. The built app.
  const outDirectory = join(workDirectory, 'dist');
  await build({
    root: appDirectory,
    configFile: join(appDirectory, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: outDirectory, emptyOutDir: true },
  });
  server = await serveStatic({ routes: { '/': outDirectory, '/model/': modelDirectory } });
  serverWithoutModel = await serveStatic({ routes: { '/': outDirectory } });
  mkdirSync(resultsDirectory, { recursive: true });
});

afterAll(async () => {
  await server?.close();
  await serverWithoutModel?.close();
});

describe('the web demo in headless Chromium', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`generates, shows and downloads a video on ${backend}`, { timeout: 480_000 }, async () => {
      const numFrames = keyFrames[backend];
      // Without --enable-unsafe-webgpu there is no adapter: the page must fall back to WASM on its own.
      const browser = await launchChromium({ webgpu: backend === 'webgpu' });
      try {
        const page = await browser.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(`${server.url}/index.html?steps=1&frames=${numFrames}`);
        await page.waitForSelector('body[data-ready="true"]');
        expect(await page.inputValue('#backend')).toBe(backend);

        await page.fill('#prompt', 'a red circle bouncing on a blue background');
        const started = Date.now();
        await page.click('#generate');
        await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 450_000 });
        const seconds = (Date.now() - started) / 1000;
        const status = await page.textContent('#status');
        expect(await page.getAttribute('body', 'data-state'), status ?? '').toBe('done');
        console.log(`[e2e] ${backend}: generated in ${seconds.toFixed(1)} s`);

        // Every stage reported its progress, up to its last step.
        const stages = await page.$$eval('#progress li', (rows) =>
          rows.map((row) => {
            const bar = row.querySelector('progress')!;
            return { stage: row.getAttribute('data-stage'), done: bar.value === bar.max };
          }),
        );
        expect(stages.map((row) => row.stage)).toEqual([
          'textEncoder',
          'prior',
          'decoder',
          'interpolation',
          'superResolutionLow',
          'superResolutionHigh',
        ]);
        expect(stages.every((row) => row.done)).toBe(true);
        // The video element plays the result.
        await page.waitForFunction(() => {
          const video = document.querySelector<HTMLVideoElement>('#result-video')!;
          return video.readyState >= 2 && video.videoWidth > 0;
        });
        expect(await page.$eval('#result-video', (video: HTMLVideoElement) => video.videoWidth)).toBe(
          expected[backend].size,
        );
        await page.screenshot({ path: join(resultsDirectory, `e2e-${backend}.png`), fullPage: true });

        for (const link of ['#download-video', '#download-gif']) {
          const [download] = await Promise.all([page.waitForEvent('download'), page.click(link)]);
          const file = join(workDirectory, `${backend}-${download.suggestedFilename()}`);
          await download.saveAs(file);
          const decoded = probe(file);
          expect(decoded.frames, file).toBe(expected[backend].numFrames);
          expect([decoded.width, decoded.height], file).toEqual([
            expected[backend].size,
            expected[backend].size,
          ]);
          expect(
            link === '#download-gif' ? decoded.codec === 'gif' : ['h264', 'vp9'].includes(decoded.codec),
          ).toBe(true);
        }
        if (backend === 'wasm') {
          // Animate an uploaded image: the other modes run in the same worker, with the same checks.
          await page.check('input[name="mode"][value="animate"]');
          await page.setInputFiles('#first-image', {
            name: 'red.png',
            mimeType: 'image/png',
            buffer: Buffer.from(
              encodePng({ width: 12, height: 12, data: new Uint8Array(12 * 12 * 3).fill(200) }),
            ),
          });
          await page.click('#generate');
          await page.waitForSelector('body[data-state="done"], body[data-state="error"]', {
            timeout: 120_000,
          });
          expect(
            await page.getAttribute('body', 'data-state'),
            (await page.textContent('#status')) ?? '',
          ).toBe('done');
          const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.click('#download-video'),
          ]);
          const file = join(workDirectory, `animated-${download.suggestedFilename()}`);
          await download.saveAs(file);
          expect(probe(file)).toMatchObject({
            frames: expected[backend].numFrames,
            width: expected[backend].size,
          });

          // Cancel: a long run stops at the next step and the page says so.
          await page.fill('#steps', '1000');
          await page.click('#generate');
          // The page handles the click while the worker runs: it stays responsive.
          await page.waitForSelector('#progress li[data-stage="interpolation"]', { timeout: 120_000 });
          await page.click('#cancel');
          await page.waitForSelector('body[data-state="cancelled"]', { timeout: 120_000 });
          expect(await page.textContent('#status')).toBe('Cancelled.');
          expect(await page.isDisabled('#generate')).toBe(false);
          // And the next run works (in a fresh worker).
          await page.fill('#steps', '1');
          await page.click('#generate');
          await page.waitForSelector('body[data-state="done"], body[data-state="error"]', {
            timeout: 120_000,
          });
          expect(await page.getAttribute('body', 'data-state')).toBe('done');
          expect(await page.getAttribute('body', 'data-frames')).toBe(String(expected[backend].numFrames));
        }
        expect(pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  }
  it('without a model folder, falls back to random weights with a notice and interpolates two images', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      await page.goto(`${serverWithoutModel.url}/index.html?steps=1&frames=${keyFrames.wasm}`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.check('input[name="mode"][value="interpolate"]');
      const image = (value: number) => ({
        name: `grey-${value}.png`,
        mimeType: 'image/png',
        buffer: Buffer.from(
          encodePng({ width: 10, height: 10, data: new Uint8Array(10 * 10 * 3).fill(value) }),
        ),
      });
      await page.setInputFiles('#first-image', image(30));
      await page.setInputFiles('#last-image', image(220));
      await page.click('#generate');
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120_000 });
      expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe(
        'done',
      );
      expect(await page.textContent('#notice')).toContain('random weights');
      expect(await page.getAttribute('body', 'data-frames')).toBe(String(expected.wasm.numFrames));
    } finally {
      await browser.close();
    }
  });

  it('makes a preview frame with the text-to-image model and offers it as a PNG', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      const page = await browser.newPage();
      await page.goto(`${serverWithoutModel.url}/index.html?steps=1`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.check('input[name="mode"][value="image"]');
      expect(await page.isHidden('#images')).toBe(true);
      await page.fill('#prompt', 'a red circle');
      await page.click('#generate');
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120_000 });
      expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe(
        'done',
      );
      expect(await page.getAttribute('body', 'data-kind')).toBe('image');
      expect(await page.isHidden('#result-video')).toBe(true);
      expect(await page.isHidden('#download-gif')).toBe(true);
      expect(await page.getAttribute('#download-video', 'download')).toBe('mav.png');
      // The random tiny cascade's SR_h size: the frame went through both super-resolution stages.
      const size = await page.$eval('#result-image', async (image: HTMLImageElement) => {
        await image.decode();
        return [image.naturalWidth, image.naturalHeight];
      });
      expect(size).toEqual([32, 32]);
    } finally {
      await browser.close();
    }
  });
});
