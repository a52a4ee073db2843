import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeApng } from '../encode-apng.js';
import { encodeGif } from '../encode-gif.js';
import { decodeWithFfmpeg, probe } from '../test-support/ffmpeg-reference.js';
import { psnr, syntheticClip } from '../test-support/synthetic-clip.js';

interface PageVideo {
  requested: string;
  format?: string;
  codec?: string;
  base64?: string;
  decodedFrames?: number;
  decodedSize?: number[];
  decodedFps?: number;
  pagePsnr?: number | null;
  error?: string;
}

interface PageResult {
  videos: PageVideo[];
  gifBase64: string;
  apngBase64: string;
  stillMatches: boolean;
  corruptImageError: string;
  truncatedVideoError: string;
  abortedEncodeError: string;
}

const clip = { width: 128, height: 128, numFrames: 76, fps: 25 };
let page: PageResult;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-browser-'));
  const { value } = await runInBrowser<PageResult>({
    entry: fileURLToPath(new URL('./fixtures/encode-in-page.ts', import.meta.url)),
    args: clip,
    webgpu: false,
    timeoutMs: 150_000,
  });
  page = value;
}, 180_000);
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('browser entry in headless Chromium', () => {
  it('writes an MP4 or WebM that decodes back in the page and with ffprobe in Node', async () => {
    const frames = syntheticClip(clip);
    const written = page.videos.filter((video) => video.base64 !== undefined);
    // 'auto' must always produce something; explicit containers may be refused only with a typed error.
    expect(written.map((video) => video.requested)).toContain('auto');
    for (const video of page.videos) {
      if (video.error !== undefined) expect(video.error).toMatch(/^UnsupportedFormatError/);
    }
    for (const video of written) {
      expect(video.decodedFrames).toBe(76);
      expect(video.decodedSize).toEqual([128, 128]);
      expect(video.decodedFps).toBe(25);
      expect(video.pagePsnr).toBeGreaterThanOrEqual(30);
      const file = path.join(directory, `${video.requested}.${video.format}`);
      await writeFile(file, Buffer.from(video.base64!, 'base64'));
      const stream = await probe(file);
      expect([stream.numFrames, stream.width, stream.height]).toEqual([76, 128, 128]);
      expect(stream.averageFrameRate).toBe('25/1');
      expect(psnr(await decodeWithFfmpeg(file), frames.data)).toBeGreaterThanOrEqual(30);
    }
  });

  it('GIF and APNG come out byte-identical to Node (same code)', async () => {
    const frames = syntheticClip(clip);
    expect(Buffer.from(page.gifBase64, 'base64')).toEqual(Buffer.from(await encodeGif(frames)));
    expect(Buffer.from(page.apngBase64, 'base64')).toEqual(Buffer.from(await encodeApng(frames)));
  });

  it('readImage decodes a PNG losslessly and types a corrupt one', () => {
    expect(page.stillMatches).toBe(true);
    expect(page.corruptImageError).toBe('CorruptInputError');
  });

  it('a truncated MP4/WebM gives CorruptInputError in the page, an aborted encode AbortError', () => {
    expect(page.truncatedVideoError).toBe('CorruptInputError');
    expect(page.abortedEncodeError).toBe('AbortError');
  });
});
