import { spawnSync } from 'node:child_process';
import { encodePng } from '@mav/video-io';
import { describe, expect, it } from 'vitest';
import { imageDimensions } from './image-dimensions.js';

describe('imageDimensions', () => {
  it('reads the size a PNG and a JPEG declare', () => {
    const png = encodePng({ width: 7, height: 5, data: new Uint8Array(7 * 5 * 3) });
    expect(imageDimensions(png)).toEqual({ width: 7, height: 5 });
    // A JPEG from ffmpeg (an independent encoder): a 10x6 red frame.
    const args = [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=red:s=10x6',
      '-frames:v',
      '1',
      '-f',
      'mjpeg',
      'pipe:1',
    ];
    const jpg = spawnSync('ffmpeg', args, { maxBuffer: 1 << 20 }).stdout;
    expect(jpg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(imageDimensions(new Uint8Array(jpg))).toEqual({ width: 10, height: 6 });
  });

  it('gives undefined for a header it cannot read', () => {
    expect(imageDimensions(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeUndefined();
    expect(
      imageDimensions(new Uint8Array([0xff, 0xd8, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07])),
    ).toBeUndefined();
    expect(imageDimensions(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});
