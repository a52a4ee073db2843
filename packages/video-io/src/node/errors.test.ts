import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AbortError, MavError } from '@mav/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../encode-png.js';
import { CorruptInputError, DimensionError, EncoderMissingError, UnsupportedFormatError } from '../errors.js';
import { decodeWithFfmpeg, probe } from '../test-support/ffmpeg-reference.js';
import { psnr, syntheticClip } from '../test-support/synthetic-clip.js';
import { VideoFrames } from '../video-frames.js';
import { readImage } from './read-image.js';
import { readVideo } from './read-video.js';
import { writeVideo } from './write-video.js';

const frames = syntheticClip({ width: 64, height: 64, numFrames: 20, fps: 10 });
let directory: string;
let missingFfmpeg: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-errors-'));
  missingFfmpeg = path.join(directory, 'no-such-dir', 'ffmpeg');
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('typed errors', () => {
  it('a corrupt PNG gives CorruptInputError with sharp and with the pure-JS decoder', async () => {
    const png = encodePng(frames.frame(0));
    const corrupt = png.slice(0, 60); // header intact, image data cut off
    const file = path.join(directory, 'corrupt.png');
    await writeFile(file, corrupt);
    for (const decoder of ['sharp', 'js'] as const) {
      const error = await readImage({ path: file, decoder }).catch((caught: unknown) => caught);
      expect(CorruptInputError.isInstance(error)).toBe(true);
      expect(MavError.isInstance(error)).toBe(true);
      expect((error as CorruptInputError).source).toBe(file);
    }
  });

  it('bytes that are no image give UnsupportedFormatError', async () => {
    const error = await readImage({
      data: new TextEncoder().encode('hello, not an image'),
      decoder: 'js',
    }).catch((caught: unknown) => caught);
    expect(UnsupportedFormatError.isInstance(error)).toBe(true);
  });

  it('a truncated MP4 gives CorruptInputError', async () => {
    const { path: file } = await writeVideo({ frames, path: path.join(directory, 'whole.mp4') });
    const bytes = await readFile(file);
    expect((await readVideo({ path: file })).numFrames).toBe(20);
    for (const keep of [0.5, 0.05]) {
      const truncated = path.join(directory, `truncated-${keep}.mp4`);
      await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * keep)));
      const error = await readVideo({ path: truncated }).catch((caught: unknown) => caught);
      expect(CorruptInputError.isInstance(error)).toBe(true);
    }
  });

  it('a missing ffmpeg gives EncoderMissingError saying how to install it', async () => {
    const error = await writeVideo({
      frames,
      path: path.join(directory, 'no-ffmpeg.webm'),
      ffmpegPath: missingFfmpeg,
    }).catch((caught: unknown) => caught);
    expect(EncoderMissingError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('apt-get install ffmpeg');
    expect((error as Error).message).toContain('FFMPEG_PATH');
    const forced = await writeVideo({
      frames,
      path: path.join(directory, 'no-ffmpeg.mp4'),
      ffmpegPath: missingFfmpeg,
      encoder: 'ffmpeg',
    }).catch((caught: unknown) => caught);
    expect(EncoderMissingError.isInstance(forced)).toBe(true);
    const reading = await readVideo({
      path: path.join(directory, 'whole.mp4'),
      ffmpegPath: missingFfmpeg,
      ffprobePath: missingFfmpeg,
    }).catch((caught: unknown) => caught);
    expect(EncoderMissingError.isInstance(reading)).toBe(true);
    expect(await readdir(directory)).not.toContain('no-ffmpeg.webm');
  });

  it('MP4 without ffmpeg falls back to the wasm encoder', async () => {
    const result = await writeVideo({
      frames,
      path: path.join(directory, 'fallback.mp4'),
      ffmpegPath: missingFfmpeg,
    });
    expect(result.encoder).toBe('h264-mp4-encoder');
    const stream = await probe(result.path);
    expect([stream.numFrames, stream.width, stream.height, stream.frameRate]).toEqual([20, 64, 64, '10/1']);
  });

  it('an aborted write leaves no file, and keeps an existing one intact', async () => {
    for (const [name, format] of [
      ['aborted.mp4', 'mp4'],
      ['aborted.gif', 'gif'],
      ['aborted-sequence', 'png'],
    ] as const) {
      const controller = new AbortController();
      const target = path.join(directory, name);
      const error = await writeVideo({
        frames,
        path: target,
        format,
        signal: controller.signal,
        onProgress: (fraction) => {
          if (fraction >= 0.5) controller.abort(new Error('stop'));
        },
      }).catch((caught: unknown) => caught);
      expect(AbortError.isInstance(error)).toBe(true);
      const left = await readdir(directory);
      expect(left).not.toContain(name);
      expect(left.filter((entry) => entry.includes(name))).toEqual([]);
    }
    const existing = path.join(directory, 'existing.gif');
    await writeFile(existing, 'previous content');
    const controller = new AbortController();
    controller.abort();
    await expect(writeVideo({ frames, path: existing, signal: controller.signal })).rejects.toSatisfy(
      AbortError.isInstance,
    );
    expect(await readFile(existing, 'utf8')).toBe('previous content');
  });

  it('unknown formats give UnsupportedFormatError', async () => {
    await expect(writeVideo({ frames, path: path.join(directory, 'clip.avi') })).rejects.toSatisfy(
      UnsupportedFormatError.isInstance,
    );
    await expect(
      writeVideo({ frames, path: path.join(directory, 'clip.mp4'), format: 'mkv' as never }),
    ).rejects.toSatisfy(UnsupportedFormatError.isInstance);
  });

  it('0-frame and 1x1 clips give DimensionError for video, not crashes', async () => {
    const empty = new VideoFrames({ width: 8, height: 8, fps: 10, data: new Uint8Array(0) });
    await expect(writeVideo({ frames: empty, path: path.join(directory, 'empty.gif') })).rejects.toSatisfy(
      DimensionError.isInstance,
    );
    const tiny = new VideoFrames({ width: 1, height: 1, fps: 10, data: new Uint8Array(3 * 4) });
    for (const name of ['tiny.mp4', 'tiny.webm']) {
      await expect(writeVideo({ frames: tiny, path: path.join(directory, name) })).rejects.toSatisfy(
        DimensionError.isInstance,
      );
    }
    expect(() => new VideoFrames({ width: 0, height: 8, fps: 10, data: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    // 1x1 is fine where the format allows it.
    const apng = await writeVideo({ frames: tiny, path: path.join(directory, 'tiny.apng') });
    expect(await decodeWithFfmpeg(apng.path)).toEqual(tiny.data);
  });

  it('odd sizes are padded to even for MP4/WebM (edge replication) and kept for Y4M', async () => {
    const odd = syntheticClip({ width: 47, height: 31, numFrames: 10, fps: 10 });
    for (const name of ['odd.mp4', 'odd.webm']) {
      const result = await writeVideo({ frames: odd, path: path.join(directory, name) });
      expect([result.width, result.height]).toEqual([48, 32]);
      const stream = await probe(result.path);
      expect([stream.width, stream.height, stream.numFrames]).toEqual([48, 32, 10]);
      const decoded = await readVideo({ path: result.path });
      // Crop the padding off and compare with the source.
      const cropped = new Uint8Array(odd.data.length);
      for (let frame = 0; frame < 10; frame++) {
        for (let y = 0; y < 31; y++) {
          const source = (frame * 32 + y) * 48 * 3;
          cropped.set(decoded.data.subarray(source, source + 47 * 3), (frame * 31 + y) * 47 * 3);
        }
      }
      expect(psnr(cropped, odd.data)).toBeGreaterThanOrEqual(30);
    }
    const y4m = await writeVideo({ frames: odd, path: path.join(directory, 'odd.y4m') });
    const stream = await probe(y4m.path);
    expect([stream.width, stream.height, stream.numFrames]).toEqual([47, 31, 10]);
  });
});
