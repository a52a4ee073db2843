/**
 * The in-memory encoders shared by Node and the browser, behind one function: the formats that need no
 * external encoder (GIF, APNG, Y4M). MP4/WebM need ffmpeg (Node) or WebCodecs (browser).
 */
import { encodeApng } from './encode-apng.js';
import { type EncodeGifOptions, encodeGif } from './encode-gif.js';
import { type EncodeY4mOptions, encodeY4m } from './encode-y4m.js';
import { UnsupportedFormatError } from './errors.js';
import type { VideoFrames } from './video-frames.js';

/** A format `encodeFrames` writes in memory, in any environment. */
export type InMemoryFormat = 'gif' | 'apng' | 'y4m';

/** Options of `encodeFrames`. */
export interface EncodeFramesOptions extends EncodeGifOptions, EncodeY4mOptions {
  readonly frames: VideoFrames;
  readonly format: InMemoryFormat;
}

/** True for the formats `encodeFrames` handles. */
export function isInMemoryFormat(format: string): format is InMemoryFormat {
  return format === 'gif' || format === 'apng' || format === 'y4m';
}

/** Encodes a clip to the bytes of a GIF, APNG or Y4M file. */
export async function encodeFrames(options: EncodeFramesOptions): Promise<Uint8Array> {
  const { frames, format } = options;
  switch (format) {
    case 'gif':
      return encodeGif(frames, options);
    case 'apng':
      return encodeApng(frames, options);
    case 'y4m':
      return encodeY4m(frames, options);
    default:
      throw new UnsupportedFormatError(
        String(format),
        `encodeFrames writes gif, apng and y4m in memory; got '${String(format)}'. MP4/WebM: use writeVideo from @mav/video-io/node or encodeVideo from @mav/video-io/browser.`,
      );
  }
}
