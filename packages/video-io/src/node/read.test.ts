import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../encode-png.js';
import { resizeFrames, resizeImage } from '../resize.js';
import { maxAbsDifference, psnr, syntheticClip } from '../test-support/synthetic-clip.js';
import { readImage } from './read-image.js';
import { readVideo } from './read-video.js';
import { writeVideo } from './write-video.js';

const run = promisify(execFile);
const clip = syntheticClip({ width: 96, height: 64, numFrames: 12, fps: 12 });
const still = clip.frame(5);
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-read-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('readImage (Node)', () => {
  it('PNG -> frames -> PNG round trip is lossless with sharp and with pure JS', async () => {
    const file = path.join(directory, 'still.png');
    await writeFile(file, encodePng(still));
    for (const decoder of ['sharp', 'js'] as const) {
      const frames = await readImage({ path: file, decoder });
      expect([frames.numFrames, frames.width, frames.height]).toEqual([1, 96, 64]);
      expect(frames.data).toEqual(still.data);
      const again = path.join(directory, `again-${decoder}.png`);
      await writeVideo({ frames, path: again });
      expect((await readImage({ path: again, decoder })).data).toEqual(still.data);
    }
  });

  it('a PNG written by ffmpeg (grey, 16-bit, alpha) reads the same with both decoders', async () => {
    const source = path.join(directory, 'source.png');
    await writeFile(source, encodePng(still));
    for (const pixelFormat of ['gray', 'rgb48be', 'rgba']) {
      const file = path.join(directory, `ffmpeg-${pixelFormat}.png`);
      await run(process.env.FFMPEG_PATH || 'ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        source,
        '-pix_fmt',
        pixelFormat,
        file,
      ]);
      const bySharp = await readImage({ path: file, decoder: 'sharp' });
      const byJs = await readImage({ path: file, decoder: 'js' });
      expect(byJs.data).toEqual(bySharp.data);
      // ffmpeg's own rgb24 -> rgb48 scaling is off by one at places, so 16-bit is compared within 1.
      if (pixelFormat === 'rgba') expect(byJs.data).toEqual(still.data);
      if (pixelFormat === 'rgb48be') expect(maxAbsDifference(byJs.data, still.data)).toBeLessThanOrEqual(1);
    }
  });

  it('JPEG (encoded by ffmpeg) -> frames is within JPEG loss (PSNR >= 30 dB) with both decoders', async () => {
    const source = path.join(directory, 'for-jpeg.png');
    await writeFile(source, encodePng(still));
    const file = path.join(directory, 'still.jpg');
    await run(process.env.FFMPEG_PATH || 'ffmpeg', ['-v', 'error', '-y', '-i', source, '-q:v', '2', file]);
    const bySharp = await readImage({ path: file, decoder: 'sharp' });
    const byJs = await readImage({ data: new Uint8Array(await readFile(file)), decoder: 'js' });
    expect(psnr(bySharp.data, still.data)).toBeGreaterThanOrEqual(30);
    expect(psnr(byJs.data, still.data)).toBeGreaterThanOrEqual(30);
  });

  it('resizes to the requested size with the shared filter', async () => {
    const frames = await readImage({ data: encodePng(still), width: 32, height: 32 });
    expect([frames.width, frames.height]).toEqual([32, 32]);
    expect(frames.data).toEqual(resizeImage(still, { width: 32, height: 32 }).data);
  });
});

describe('readVideo (Node)', () => {
  it('reads back every frame of an MP4, at the file rate, within codec loss', async () => {
    const { path: file } = await writeVideo({ frames: clip, path: path.join(directory, 'clip.mp4') });
    const frames = await readVideo({ path: file });
    expect([frames.numFrames, frames.width, frames.height, frames.fps]).toEqual([12, 96, 64, 12]);
    expect(psnr(frames.data, clip.data)).toBeGreaterThanOrEqual(30);
  });

  it('reads a lossless APNG exactly, and resizes / limits frames on request', async () => {
    const { path: file } = await writeVideo({ frames: clip, path: path.join(directory, 'clip.apng') });
    expect((await readVideo({ path: file })).data).toEqual(clip.data);
    const small = await readVideo({ path: file, width: 32, height: 32, maxFrames: 5 });
    expect([small.numFrames, small.width, small.height]).toEqual([5, 32, 32]);
    expect(small.data).toEqual(resizeFrames(clip.slice(0, 5), { width: 32, height: 32 }).data);
  });

  it('resamples the frame rate with ffmpeg when asked', async () => {
    const { path: file } = await writeVideo({ frames: clip, path: path.join(directory, 'rate.y4m') });
    const frames = await readVideo({ path: file, fps: 6 });
    expect(frames.fps).toBe(6);
    expect(frames.numFrames).toBe(6);
  });
});
