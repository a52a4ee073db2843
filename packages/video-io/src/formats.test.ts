import { describe, expect, it } from 'vitest';
import { gifFrameDelays } from './encode-gif.js';
import { y4mHeader } from './encode-y4m.js';
import { UnsupportedFormatError } from './errors.js';
import { fpsToFraction } from './frame-rate.js';
import { resizeImage } from './resize.js';
import { resolveVideoFormat } from './video-format.js';
import { VideoFrames } from './video-frames.js';

describe('format helpers', () => {
  it('picks the format from the option, else the extension, else a PNG sequence directory', () => {
    expect(resolveVideoFormat({ path: 'out/clip.MP4' })).toBe('mp4');
    expect(resolveVideoFormat({ path: 'clip.webm' })).toBe('webm');
    expect(resolveVideoFormat({ path: 'clip.png' })).toBe('apng');
    expect(resolveVideoFormat({ path: 'out/frames' })).toBe('png');
    expect(resolveVideoFormat({ path: 'clip.mp4', format: 'gif' })).toBe('gif');
    expect(() => resolveVideoFormat({ path: 'clip.avi' })).toThrow(UnsupportedFormatError);
  });

  it('turns frame rates into exact fractions', () => {
    expect(fpsToFraction(25)).toEqual({ numerator: 25, denominator: 1 });
    expect(fpsToFraction(30000 / 1001)).toEqual({ numerator: 30000, denominator: 1001 });
    expect(fpsToFraction(12.5)).toEqual({ numerator: 25, denominator: 2 });
  });

  it('GIF delays keep the running time exact to a centisecond', () => {
    expect(gifFrameDelays(4, 25)).toEqual([4, 4, 4, 4]);
    const delays = gifFrameDelays(30, 30);
    expect(new Set(delays)).toEqual(new Set([3, 4]));
    expect(delays.reduce((total, delay) => total + delay, 0)).toBe(100);
  });

  it('writes a Y4M header with the exact rate and chroma mode', () => {
    const frames = new VideoFrames({ width: 3, height: 2, fps: 30000 / 1001, data: new Uint8Array(18) });
    expect(y4mHeader(frames)).toBe('YUV4MPEG2 W3 H2 F30000:1001 Ip A1:1 C420jpeg XCOLORRANGE=LIMITED\n');
    expect(y4mHeader(frames, '444')).toContain(' C444 ');
  });
});

describe('resizeImage', () => {
  it('keeps a flat image flat and averages 2x2 blocks when halving', () => {
    const flat = { width: 7, height: 5, data: new Uint8Array(7 * 5 * 3).fill(77) };
    expect(resizeImage(flat, { width: 3, height: 4, fit: 'fill' }).data.every((value) => value === 77)).toBe(
      true,
    );
    // Columns alternate 0 and 200: halving gives 100 everywhere.
    const stripes = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3) };
    for (let index = 0; index < 8; index++)
      stripes.data.fill(index % 2 === 0 ? 0 : 200, index * 3, index * 3 + 3);
    expect(Array.from(resizeImage(stripes, { width: 2, height: 1, fit: 'fill' }).data)).toEqual([
      100, 100, 100, 100, 100, 100,
    ]);
  });

  it("'cover' crops the centre instead of distorting", () => {
    // 4x1: black, white, white, black -> 1x1 cover takes the centre square (the white middle).
    const image = {
      width: 4,
      height: 1,
      data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0]),
    };
    expect(Array.from(resizeImage(image, { width: 1, height: 1, fit: 'cover' }).data)).toEqual([
      255, 255, 255,
    ]);
    expect(Array.from(resizeImage(image, { width: 1, height: 1, fit: 'fill' }).data)).toEqual([
      128, 128, 128,
    ]);
  });
});
