/**
 * `readImage` in the browser: `createImageBitmap` decodes (PNG, JPEG and whatever else the browser
 * reads), a canvas gives the pixels, and our own filter resizes, as in Node.
 */
import { CorruptInputError } from '../errors.js';
import { type ResizeFit, resizeImage } from '../resize.js';
import { type RgbImage, VideoFrames } from '../video-frames.js';

/** Options of the browser `readImage`. */
export interface ReadImageOptions {
  /** Encoded image (a File from an `<input>`, a fetched Blob, or bytes). */
  readonly data: Blob | Uint8Array;
  readonly width?: number;
  readonly height?: number;
  /** Default `'cover'`. */
  readonly fit?: ResizeFit;
  /** Frame rate of the returned one-frame clip (default 1). */
  readonly fps?: number;
}

/** Pixels of a drawable as packed RGB (alpha dropped). */
export function canvasRgb(
  draw: (context: OffscreenCanvasRenderingContext2D) => void,
  width: number,
  height: number,
): RgbImage {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('OffscreenCanvas 2D context is not available.');
  draw(context);
  const rgba = context.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let source = 0, target = 0; source < rgba.length; source += 4, target += 3) {
    rgb[target] = rgba[source]!;
    rgb[target + 1] = rgba[source + 1]!;
    rgb[target + 2] = rgba[source + 2]!;
  }
  return { width, height, data: rgb };
}

/** Reads a still image into a one-frame `VideoFrames`; undecodable bytes give `CorruptInputError`. */
export async function readImage(options: ReadImageOptions): Promise<VideoFrames> {
  const { data, width, height, fit, fps = 1 } = options;
  if ((width === undefined) !== (height === undefined)) {
    throw new TypeError('Give both width and height to resize, or neither.');
  }
  const blob = data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new CorruptInputError('<blob>', `Could not decode the image: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let image: RgbImage;
  try {
    image = canvasRgb((context) => context.drawImage(bitmap, 0, 0), bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
  if (width !== undefined && height !== undefined) image = resizeImage(image, { width, height, fit });
  return VideoFrames.fromImages({ images: [image], fps });
}
