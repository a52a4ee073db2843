import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWithFfmpeg, probe } from '../test-support/ffmpeg-reference.js';
import { maxAbsDifference, psnr, syntheticClip } from '../test-support/synthetic-clip.js';
import { rgbToI420 } from '../yuv.js';
import { writeVideo } from './write-video.js';

// The clip of the issue: 76 frames (16 keyframes interpolated ×5), 128×128. 25 fps divides 100, so
// GIF's centisecond delays are exact too.
const frames = syntheticClip({ width: 128, height: 128, numFrames: 76, fps: 25 });
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-write-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function expectStream(file: string, codecName: string) {
  const stream = await probe(file);
  expect(stream.codecName).toBe(codecName);
  expect(stream.numFrames).toBe(76);
  expect([stream.width, stream.height]).toEqual([128, 128]);
  expect(stream.frameRate).toBe('25/1');
  expect(stream.averageFrameRate).toBe('25/1');
  return stream;
}

describe('writeVideo: every writer decodes back with ffmpeg (76 frames, 128x128, 25 fps)', () => {
  it('MP4 (H.264) through ffmpeg: PSNR >= 30 dB, BT.601 tags', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip.mp4') });
    expect(result.encoder).toBe('ffmpeg');
    const stream = await expectStream(result.path, 'h264');
    expect(stream.pixelFormat).toBe('yuv420p');
    expect(stream.colorSpace).toBe('smpte170m');
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThanOrEqual(30);
  });

  it('WebM (VP9) through ffmpeg: PSNR >= 30 dB', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip.webm') });
    expect(result.encoder).toBe('ffmpeg');
    await expectStream(result.path, 'vp9');
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThanOrEqual(30);
  });

  it('MP4 through the wasm fallback (h264-mp4-encoder): PSNR >= 30 dB', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'wasm.mp4'), encoder: 'wasm' });
    expect(result.encoder).toBe('h264-mp4-encoder');
    await expectStream(result.path, 'h264');
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThanOrEqual(30);
  });

  it('MP4 from rgb24 input (ffmpeg converts) also decodes back', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'rgb.mp4'), input: 'rgb24' });
    await expectStream(result.path, 'h264');
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThanOrEqual(30);
  });

  it('GIF: frame count, size and fps exact; a shared 256-colour palette stays above 20 dB', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip.gif') });
    const stream = await expectStream(result.path, 'gif');
    expect(stream.duration).toBeCloseTo(76 / 25, 6);
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThan(20);
  });

  it('APNG: lossless, exact rate', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip.apng') });
    await expectStream(result.path, 'apng');
    expect(await decodeWithFfmpeg(result.path)).toEqual(frames.data);
  });

  it('PNG sequence: one lossless file per frame and a manifest with the rate', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'sequence') });
    expect(result.format).toBe('png');
    const names = (await readdir(result.path)).sort();
    expect(names.filter((name) => name.endsWith('.png'))).toHaveLength(76);
    const manifest = JSON.parse(await readFile(path.join(result.path, 'frames.json'), 'utf8'));
    expect(manifest).toEqual({ fps: 25, numFrames: 76, width: 128, height: 128, pattern: 'frame-%05d.png' });
    const pattern = path.join(result.path, manifest.pattern);
    const inputArgs = ['-framerate', String(manifest.fps)];
    const stream = await probe(pattern, inputArgs);
    expect([stream.numFrames, stream.width, stream.height, stream.frameRate]).toEqual([76, 128, 128, '25/1']);
    expect(await decodeWithFfmpeg(pattern, { inputArgs })).toEqual(frames.data);
  });

  it('Y4M 4:2:0: the planes ffmpeg reads are exactly our I420, and RGB is within yuv420 loss', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip.y4m') });
    await expectStream(result.path, 'rawvideo');
    const planes = await decodeWithFfmpeg(result.path, { pixelFormat: 'yuv420p' });
    const frameBytes = 128 * 128 * 1.5;
    for (const index of [0, 37, 75]) {
      expect(planes.subarray(index * frameBytes, (index + 1) * frameBytes)).toEqual(
        rgbToI420(frames.frame(index)).data,
      );
    }
    expect(psnr(await decodeWithFfmpeg(result.path), frames.data)).toBeGreaterThanOrEqual(38);
  });

  it('Y4M 4:4:4: lossless within yuv rounding (max |error| <= 2 per channel)', async () => {
    const result = await writeVideo({ frames, path: path.join(directory, 'clip444.y4m'), chroma: '444' });
    const stream = await expectStream(result.path, 'rawvideo');
    expect(stream.pixelFormat).toBe('yuv444p');
    expect(maxAbsDifference(await decodeWithFfmpeg(result.path), frames.data)).toBeLessThanOrEqual(2);
  });
});
