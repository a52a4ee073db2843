/**
 * `readVideo` in the browser: mediabunny demuxes (MP4, WebM, ...), WebCodecs decodes, a canvas gives the
 * pixels, and our own filter resizes, as in Node.
 */
import { throwIfAborted } from '@mav/tensor';
import { ALL_FORMATS, BlobSource, Input, VideoSampleSink } from 'mediabunny';
import { CorruptInputError, UnsupportedFormatError } from '../errors.js';
import { type ResizeFit, resizeFrames } from '../resize.js';
import { type RgbImage, VideoFrames } from '../video-frames.js';
import { findMatroskaJunk, isMatroska } from './matroska-junk.js';
import { canvasRgb } from './read-image.js';

/** Options of the browser `readVideo`. */
export interface ReadVideoOptions {
  /** Encoded video (a File, a fetched Blob, or bytes). */
  readonly data: Blob | Uint8Array;
  readonly width?: number;
  readonly height?: number;
  /** Default `'cover'`. */
  readonly fit?: ResizeFit;
  /** Read at most this many frames (default: all). */
  readonly maxFrames?: number;
  readonly signal?: AbortSignal;
}

/** Decodes a short video into frames; a damaged file gives `CorruptInputError`. */
export async function readVideo(options: ReadVideoOptions): Promise<VideoFrames> {
  const { data, width, height, fit, maxFrames = Number.POSITIVE_INFINITY, signal } = options;
  if ((width === undefined) !== (height === undefined)) {
    throw new TypeError('Give both width and height to resize, or neither.');
  }
  const blob = data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>]);
  // A damaged Matroska/WebM can send mediabunny's demuxer into an endless loop: refuse it first.
  const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
  if (isMatroska(bytes)) {
    const junk = findMatroskaJunk(bytes);
    if (junk !== undefined) throw new CorruptInputError('<blob>', `Could not read the video: ${junk}.`);
  }
  const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
  try {
    let track: Awaited<ReturnType<typeof input.getPrimaryVideoTrack>>;
    try {
      track = await input.getPrimaryVideoTrack();
    } catch (error) {
      throw new CorruptInputError('<blob>', `Could not read the video: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (track === null) throw new CorruptInputError('<blob>', 'The file holds no video track.');
    if (!(await track.canDecode())) {
      throw new UnsupportedFormatError(
        String(track.codec),
        `This browser cannot decode ${String(track.codec)} video.`,
      );
    }
    const stats = await track.computePacketStats();
    const images: RgbImage[] = [];
    try {
      for await (const sample of new VideoSampleSink(track).samples()) {
        try {
          throwIfAborted(signal, 'readVideo');
          images.push(
            canvasRgb((context) => sample.draw(context, 0, 0), sample.displayWidth, sample.displayHeight),
          );
        } finally {
          sample.close();
        }
        if (images.length >= maxFrames) break;
      }
    } catch (error) {
      if (CorruptInputError.isInstance(error) || (error as Error).name === 'AbortError') throw error;
      throw new CorruptInputError('<blob>', `Could not decode the video: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (images.length === 0 || (Number.isFinite(maxFrames) ? false : images.length < stats.packetCount)) {
      throw new CorruptInputError('<blob>', `Decoded ${images.length} of ${stats.packetCount} frames.`);
    }
    // Packet timing gives e.g. 24.9999 for 25 fps: snap to an integer rate when that close.
    const rate = stats.averagePacketRate;
    const fps = Math.abs(rate - Math.round(rate)) < 0.01 ? Math.round(rate) : rate;
    const frames = VideoFrames.fromImages({ images, fps });
    return width !== undefined && height !== undefined
      ? resizeFrames(frames, { width, height, fit })
      : frames;
  } finally {
    input.dispose();
  }
}
