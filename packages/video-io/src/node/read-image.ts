/**
 * `readImage` in Node: a PNG/JPEG still to a one-frame clip, resized on request. Decodes with sharp
 * when it is installed (an optional peer dependency: faster, and reads WebP/AVIF/TIFF too), else with the
 * pure-JS fast-png / jpeg-js. Resizing always uses our own filter so every decoder gives the same pixels.
 */
import { readFile } from 'node:fs/promises';
import { decodeImageBytes, sniffImageKind } from '../decode-image.js';
import { CorruptInputError, UnsupportedFormatError } from '../errors.js';
import { type ResizeFit, resizeImage } from '../resize.js';
import { type RgbImage, VideoFrames } from '../video-frames.js';

/** Options of `readImage`: exactly one of `path` and `data`. */
export interface ReadImageOptions {
  /** Image file to read. */
  readonly path?: string;
  /** Encoded image bytes. */
  readonly data?: Uint8Array;
  /** Output width; give with `height` to resize (default: the image's own size). */
  readonly width?: number;
  /** Output height; give with `width`. */
  readonly height?: number;
  /** How to fit a different aspect ratio (default `'cover'`: scale and centre-crop). */
  readonly fit?: ResizeFit;
  /** `'auto'` (default): sharp if installed, else pure JS; `'sharp'` or `'js'` force one. */
  readonly decoder?: 'auto' | 'sharp' | 'js';
  /** Frame rate of the returned one-frame clip (default 1). */
  readonly fps?: number;
}

/** Reads a still image into a one-frame `VideoFrames`. */
export async function readImage(options: ReadImageOptions): Promise<VideoFrames> {
  const { decoder = 'auto', fps = 1 } = options;
  const { bytes, source } = await loadInput(options);
  let image: RgbImage | undefined;
  if (decoder !== 'js') {
    const sharp = await loadSharp();
    if (sharp === undefined && decoder === 'sharp') {
      throw new UnsupportedFormatError(
        'sharp',
        "decoder: 'sharp' was requested but sharp is not installed (npm install sharp).",
      );
    }
    if (sharp !== undefined) image = await decodeWithSharp(sharp, bytes, source);
  }
  image ??= decodeImageBytes(bytes, source);
  const { width, height } = options;
  if ((width === undefined) !== (height === undefined)) {
    throw new TypeError('Give both width and height to resize, or neither.');
  }
  if (width !== undefined && height !== undefined) {
    image = resizeImage(image, { width, height, fit: options.fit });
  }
  return VideoFrames.fromImages({ images: [image], fps });
}

/** Reads `path` or takes `data`; names the input for error messages. */
export async function loadInput(options: {
  readonly path?: string;
  readonly data?: Uint8Array;
}): Promise<{ bytes: Uint8Array; source: string }> {
  const { path, data } = options;
  if ((path === undefined) === (data === undefined)) {
    throw new TypeError('Give exactly one of path and data.');
  }
  if (data !== undefined) {
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array.');
    return { bytes: data, source: '<bytes>' };
  }
  return { bytes: new Uint8Array(await readFile(path!)), source: path! };
}

type SharpFactory = typeof import('sharp').default;

let sharpModule: Promise<SharpFactory | undefined> | undefined;

/** sharp when installed, else undefined (it is an optional peer dependency). */
function loadSharp(): Promise<SharpFactory | undefined> {
  sharpModule ??= import('sharp').then(
    (module) => (module as unknown as { default: SharpFactory }).default ?? module,
    () => undefined,
  );
  return sharpModule;
}

async function decodeWithSharp(sharp: SharpFactory, bytes: Uint8Array, source: string): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height, channels } = info;
    if (channels === 3)
      return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    const out = new Uint8Array(width * height * 3);
    for (let pixel = 0; pixel < width * height; pixel++) {
      for (let channel = 0; channel < 3; channel++) {
        out[pixel * 3 + channel] = data[pixel * channels + (channels < 3 ? 0 : channel)]!;
      }
    }
    return { width, height, data: out };
  } catch (error) {
    const message = (error as Error).message;
    if (sniffImageKind(bytes) === undefined && /unsupported image format/i.test(message)) {
      throw new UnsupportedFormatError(
        'unknown',
        `${source} is not an image format sharp can read: ${message}`,
        {
          cause: error,
        },
      );
    }
    throw new CorruptInputError(source, `Could not decode ${source}: ${message}`, { cause: error });
  }
}
