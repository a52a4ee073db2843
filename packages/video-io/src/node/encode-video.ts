/**
 * `encodeVideo` in Node: the same call as in the browser, returning the encoded bytes in memory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UnsupportedFormatError } from '../errors.js';
import type { VideoFormat } from '../video-format.js';
import { type WriteVideoOptions, writeVideo } from './write-video.js';

/** Options of `encodeVideo`: those of `writeVideo` without `path`, and a format other than `'png'`. */
export interface EncodeVideoOptions extends Omit<WriteVideoOptions, 'path' | 'format'> {
  readonly format: Exclude<VideoFormat, 'png'>;
}

/** What `encodeVideo` returns in Node. */
export interface EncodedVideo {
  readonly data: Uint8Array;
  readonly format: Exclude<VideoFormat, 'png'>;
  /** MIME type of `data`, e.g. `video/mp4`. */
  readonly mimeType: string;
}

/** MIME type of each single-file format. */
export const mimeTypes: Readonly<Record<Exclude<VideoFormat, 'png'>, string>> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  gif: 'image/gif',
  apng: 'image/apng',
  y4m: 'video/x-yuv4mpeg',
};

/** Encodes a clip to bytes (via a private temporary directory for ffmpeg). */
export async function encodeVideo(options: EncodeVideoOptions): Promise<EncodedVideo> {
  const { format } = options;
  if (!Object.hasOwn(mimeTypes, format)) {
    throw new UnsupportedFormatError(
      String(format),
      `encodeVideo writes one of ${Object.keys(mimeTypes).join(', ')}; a PNG sequence is many files: use encodePngSequence or writeVideo.`,
    );
  }
  const directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-'));
  try {
    const file = path.join(directory, `video.${format}`);
    await writeVideo({ ...options, path: file, format });
    return { data: new Uint8Array(await readFile(file)), format, mimeType: mimeTypes[format] };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
