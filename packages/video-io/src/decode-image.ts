/**
 * Pure-JS still decoding (fast-png, jpeg-js), used in Node when sharp is absent and available everywhere.
 * Whatever the file holds (grey, palette, alpha, 16 bits), the result is 8-bit RGB: alpha is dropped
 * (composited over black would darken; models take opaque RGB), 16-bit samples keep their high byte.
 */
import { convertIndexedToRgb, decode as decodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { CorruptInputError, UnsupportedFormatError } from './errors.js';
import type { RgbImage } from './video-frames.js';

/** The still formats recognised from their first bytes. */
export type ImageKind = 'png' | 'jpeg';

/** Which still format `bytes` start with, or `undefined`. */
export function sniffImageKind(bytes: Uint8Array): ImageKind | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return 'png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return 'jpeg';
  }
  return undefined;
}

/** Decodes PNG or JPEG bytes to RGB with pure JS. `source` names the input in error messages. */
export function decodeImageBytes(bytes: Uint8Array, source = '<bytes>'): RgbImage {
  const kind = sniffImageKind(bytes);
  if (kind === undefined) {
    throw new UnsupportedFormatError(
      'unknown',
      `${source} is neither a PNG nor a JPEG (its first bytes match neither signature).`,
    );
  }
  try {
    const image = kind === 'png' ? decodePng(bytes) : decodeJpeg(bytes);
    // PNG and JPEG forbid an empty image; a decoder that returns one read a damaged header.
    if (!(image.width >= 1 && image.height >= 1)) {
      throw new Error(`the header gives a ${image.width}×${image.height} image`);
    }
    return image;
  } catch (error) {
    throw new CorruptInputError(
      source,
      `Could not decode ${source} as ${kind.toUpperCase()}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function decodePng(bytes: Uint8Array): RgbImage {
  const png = decodePngBytes(bytes);
  const { width, height } = png;
  let data = png.data;
  let channels = png.channels;
  if (png.palette !== undefined) {
    data = convertIndexedToRgb(png);
    channels = data.length / (width * height);
  }
  const shift = png.depth === 16 ? 8 : 0;
  if (png.depth !== 8 && png.depth !== 16 && png.palette === undefined) {
    throw new Error(`${png.depth}-bit greyscale PNG is not supported`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    const source = pixel * channels;
    if (channels <= 2) {
      const grey = data[source]! >> shift;
      out[pixel * 3] = grey;
      out[pixel * 3 + 1] = grey;
      out[pixel * 3 + 2] = grey;
    } else {
      out[pixel * 3] = data[source]! >> shift;
      out[pixel * 3 + 1] = data[source + 1]! >> shift;
      out[pixel * 3 + 2] = data[source + 2]! >> shift;
    }
  }
  return { width, height, data: out };
}

/**
 * Every 8×8 luma block of a Huffman-coded JPEG (the only kind jpeg-js decodes) takes at least one bit of
 * entropy-coded data, so a file of n bytes holds at most 512·n pixels. A header claiming more is damaged
 * or hostile, and refusing it up front keeps a few hundred bytes from making the decoder allocate a GB.
 */
const maxJpegPixelsPerByte = 512;

/** Width and height from the first SOFn segment before the scan, or undefined when there is none. */
function jpegFrameSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // standalone markers
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && offset + 9 <= bytes.length) {
      const height = (bytes[offset + 5]! << 8) | bytes[offset + 6]!;
      const width = (bytes[offset + 7]! << 8) | bytes[offset + 8]!;
      return { width, height };
    }
    offset += 2 + length;
  }
  return undefined;
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const size = jpegFrameSize(bytes);
  if (size !== undefined && size.width * size.height > maxJpegPixelsPerByte * bytes.length) {
    throw new Error(
      `the header claims ${size.width}×${size.height} pixels, more than ${bytes.length} bytes of JPEG data can hold`,
    );
  }
  const decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  const { width, height } = decoded;
  const data = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
  if (data.length !== width * height * 3) {
    throw new Error(`decoder returned ${data.length} bytes for ${width}x${height}`);
  }
  return { width, height, data };
}
