/**
 * Animated PNG, lossless: upng-js chooses the colour type and compresses each frame (`cnum = 0` keeps
 * every colour; it may pick a palette when a clip has ≤ 256 colours, which is lossless too, and it crops
 * frames to the rectangle that changed), and we write the chunks ourselves.
 *
 * We do not use `UPNG.encode` for the container: it writes delays only as `ms / 1000`, and it
 * preallocates its output from the raw frame size, which silently truncates files of tiny images (a
 * 1×1 clip). Here every `fcTL` carries the exact rate as a fraction (`1/25`, `1001/30000`).
 */
import { throwIfAborted } from '@mav/tensor';
import UPNG from 'upng-js';
import { crc32 } from './crc32.js';
import type { EncodeOptions } from './encode-options.js';
import { checkWritable } from './frame-padding.js';
import { fpsToFraction } from './frame-rate.js';
import type { VideoFrames } from './video-frames.js';

interface CompressedFrame {
  rect: { x: number; y: number; width: number; height: number };
  cimg: Uint8Array;
  dispose: number;
  blend: number;
}

interface CompressedPng {
  ctype: number;
  depth: number;
  plte: number[];
  gotAlpha: boolean;
  frames: CompressedFrame[];
}

type CompressPng = (buffers: ArrayBuffer[], width: number, height: number, colours: number) => CompressedPng;

const compressPng = (UPNG.encode as unknown as { compressPNG: CompressPng }).compressPNG;

/** Encodes frames as a lossless animated PNG (a plain PNG when there is one frame). */
export async function encodeApng(frames: VideoFrames, options: EncodeOptions = {}): Promise<Uint8Array> {
  checkWritable(frames, 'APNG');
  if (frames.width > 2 ** 31 - 1 || frames.height > 2 ** 31 - 1) {
    throw new RangeError('PNG sizes must be below 2^31.');
  }
  const { signal, onProgress } = options;
  throwIfAborted(signal, 'APNG encoding');
  const { width, height, numFrames } = frames;
  const buffers: ArrayBuffer[] = [];
  for (let index = 0; index < numFrames; index++) {
    const rgb = frames.frame(index).data;
    const rgba = new Uint8Array(width * height * 4);
    for (let source = 0, target = 0; source < rgb.length; source += 3, target += 4) {
      rgba[target] = rgb[source]!;
      rgba[target + 1] = rgb[source + 1]!;
      rgba[target + 2] = rgb[source + 2]!;
      rgba[target + 3] = 255;
    }
    buffers.push(rgba.buffer);
  }
  throwIfAborted(signal, 'APNG encoding');
  const compressed = compressPng(buffers, width, height, 0);
  throwIfAborted(signal, 'APNG encoding');
  const chunks: Uint8Array[] = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, width);
  headerView.setUint32(4, height);
  header[8] = compressed.depth;
  header[9] = compressed.ctype; // compression, filter and interlace stay 0
  chunks.push(chunk('IHDR', header), chunk('sRGB', new Uint8Array([0])));
  const animated = numFrames > 1;
  if (animated) {
    const control = new DataView(new ArrayBuffer(8));
    control.setUint32(0, numFrames);
    control.setUint32(4, 0); // loop forever
    chunks.push(chunk('acTL', new Uint8Array(control.buffer)));
  }
  if (compressed.ctype === 3) {
    const palette = new Uint8Array(compressed.plte.length * 3);
    compressed.plte.forEach((colour, index) => {
      palette[index * 3] = colour & 255;
      palette[index * 3 + 1] = (colour >>> 8) & 255;
      palette[index * 3 + 2] = (colour >>> 16) & 255;
    });
    chunks.push(chunk('PLTE', palette));
    if (compressed.gotAlpha) {
      chunks.push(
        chunk(
          'tRNS',
          Uint8Array.from(compressed.plte, (colour) => (colour >>> 24) & 255),
        ),
      );
    }
  }
  // One frame lasts 1/fps s = denominator/numerator: delay_num = denominator, delay_den = numerator.
  const { numerator, denominator } = fpsToFraction(frames.fps);
  let sequence = 0;
  compressed.frames.forEach((frame, index) => {
    if (animated) {
      const control = new DataView(new ArrayBuffer(26));
      control.setUint32(0, sequence++);
      control.setUint32(4, frame.rect.width);
      control.setUint32(8, frame.rect.height);
      control.setUint32(12, frame.rect.x);
      control.setUint32(16, frame.rect.y);
      control.setUint16(20, denominator);
      control.setUint16(22, numerator);
      control.setUint8(24, frame.dispose);
      control.setUint8(25, frame.blend);
      chunks.push(chunk('fcTL', new Uint8Array(control.buffer)));
    }
    if (index === 0) {
      chunks.push(chunk('IDAT', frame.cimg));
    } else {
      const data = new Uint8Array(4 + frame.cimg.length);
      new DataView(data.buffer).setUint32(0, sequence++);
      data.set(frame.cimg, 4);
      chunks.push(chunk('fdAT', data));
    }
  });
  chunks.push(chunk('IEND', new Uint8Array(0)));
  onProgress?.(1);
  return concatenate(chunks);
}

/** A PNG chunk: length, type, data, CRC of type + data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let index = 0; index < 4; index++) out[4 + index] = type.charCodeAt(index);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
