/**
 * Lossless PNG stills through fast-png (pure JS, Node and browser): one image, or one file per frame for
 * a PNG sequence.
 */
import { throwIfAborted } from '@mav/tensor';
import { encode } from 'fast-png';
import { type EncodeOptions, yieldToEventLoop } from './encode-options.js';
import { checkWritable } from './frame-padding.js';
import type { RgbImage, VideoFrames } from './video-frames.js';

/** Encodes one RGB image as an 8-bit RGB PNG. */
export function encodePng(image: RgbImage): Uint8Array {
  if (image.data.length !== image.width * image.height * 3) {
    throw new RangeError(
      `image data must hold width*height*3 = ${image.width * image.height * 3} bytes, got ${image.data.length}.`,
    );
  }
  return encode({ width: image.width, height: image.height, data: image.data, channels: 3, depth: 8 });
}

/** Encodes every frame as its own PNG (in frame order). */
export async function encodePngSequence(
  frames: VideoFrames,
  options: EncodeOptions = {},
): Promise<Uint8Array[]> {
  checkWritable(frames, 'PNG sequence');
  const { signal, onProgress } = options;
  const files: Uint8Array[] = [];
  for (let index = 0; index < frames.numFrames; index++) {
    throwIfAborted(signal, 'PNG encoding');
    files.push(encodePng(frames.frame(index)));
    onProgress?.((index + 1) / frames.numFrames);
    if (index % 8 === 7) await yieldToEventLoop();
  }
  return files;
}

/** File name of frame `index` in a PNG sequence: `frame-00000.png`, `frame-00001.png`, ... */
export function pngSequenceFileName(index: number): string {
  return `frame-${String(index).padStart(5, '0')}.png`;
}
