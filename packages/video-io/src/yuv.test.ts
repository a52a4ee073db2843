import { describe, expect, it } from 'vitest';
import { padFramesToEven } from './frame-padding.js';
import { VideoFrames } from './video-frames.js';
import { i420FrameBytes, rgbToI420, rgbToYuv444 } from './yuv.js';

const pixel = (r: number, g: number, b: number) => ({ width: 1, height: 1, data: new Uint8Array([r, g, b]) });

describe('rgbToI420 / rgbToYuv444 (BT.601 limited range)', () => {
  it('gives the textbook values for black, white and the primaries', () => {
    // Reference values of ITU-R BT.601 studio range (e.g. the 75%/100% colour bar tables).
    expect(Array.from(rgbToYuv444(pixel(0, 0, 0)).data)).toEqual([16, 128, 128]);
    expect(Array.from(rgbToYuv444(pixel(255, 255, 255)).data)).toEqual([235, 128, 128]);
    expect(Array.from(rgbToYuv444(pixel(255, 0, 0)).data)).toEqual([81, 90, 240]);
    expect(Array.from(rgbToYuv444(pixel(0, 255, 0)).data)).toEqual([145, 54, 34]);
    expect(Array.from(rgbToYuv444(pixel(0, 0, 255)).data)).toEqual([41, 240, 110]);
  });

  it('averages chroma over 2x2 blocks and handles odd sizes by averaging the pixels that exist', () => {
    // 3x1: red, red | blue. Chroma is 2x1: mean of two reds, then blue alone.
    const image = { width: 3, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0, 255]) };
    const planes = rgbToI420(image);
    expect([planes.chromaWidth, planes.chromaHeight]).toEqual([2, 1]);
    expect(planes.data.length).toBe(i420FrameBytes(3, 1));
    expect(Array.from(planes.data)).toEqual([81, 81, 41, 90, 240, 240, 110]);
  });

  it('padFramesToEven replicates the last column and row', () => {
    const frames = new VideoFrames({ width: 1, height: 1, fps: 1, data: new Uint8Array([1, 2, 3]) });
    const padded = padFramesToEven(frames);
    expect([padded.width, padded.height]).toEqual([2, 2]);
    expect(Array.from(padded.data)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    const even = new VideoFrames({ width: 2, height: 2, fps: 1, data: new Uint8Array(12) });
    expect(padFramesToEven(even)).toBe(even);
  });
});
