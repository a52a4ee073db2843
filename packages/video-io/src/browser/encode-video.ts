/**
 * `encodeVideo` in the browser: MP4/WebM through mediabunny with the browser's WebCodecs `VideoEncoder`,
 * GIF/APNG/Y4M through the same in-memory encoders as Node. Frames reach WebCodecs as I420 made by our
 * `rgbToI420` (BT.601 limited range, tagged), padded to even sizes like every yuv420 path here.
 *
 * Codec choice follows what the browser can encode (`canEncodeVideo`): MP4 tries H.264 (avc), then VP9
 * and AV1 (both valid in MP4); WebM tries VP9, then VP8 and AV1. `format: 'auto'` (the default) tries MP4
 * and then WebM.
 */
import { throwIfAborted } from '@mav/tensor';
import {
  BufferTarget,
  canEncodeVideo,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  QUALITY_LOW,
  QUALITY_MEDIUM,
  type Quality,
  type VideoCodec,
  VideoSample,
  VideoSampleSource,
  WebMOutputFormat,
} from 'mediabunny';
import { encodeFrames, isInMemoryFormat } from '../encode-frames.js';
import type { EncodeGifOptions } from '../encode-gif.js';
import type { EncodeY4mOptions } from '../encode-y4m.js';
import { UnsupportedFormatError } from '../errors.js';
import { checkWritable, padFramesToEven } from '../frame-padding.js';
import type { VideoFormat } from '../video-format.js';
import { VideoFrames } from '../video-frames.js';
import { rgbToI420 } from '../yuv.js';

/** The formats `encodeVideo` produces in the browser (a PNG sequence is many files: see `encodePngSequence`). */
export type BrowserVideoFormat = Exclude<VideoFormat, 'png'>;

/** Options of the browser `encodeVideo`. */
export interface EncodeVideoOptions
  extends Pick<EncodeGifOptions, 'paletteSampleFrames' | 'repeat'>,
    Pick<EncodeY4mOptions, 'chroma'> {
  readonly frames: VideoFrames;
  /** Default `'auto'`: MP4 if the browser can encode any MP4 codec, else WebM. */
  readonly format?: BrowserVideoFormat | 'auto';
  /** MP4/WebM quality (mediabunny's QUALITY_*), default `'high'`. */
  readonly quality?: 'low' | 'medium' | 'high';
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}

/** What the browser `encodeVideo` returns. */
export interface EncodedVideo {
  readonly data: Uint8Array;
  /** `data` as a Blob with the right MIME type, e.g. for `URL.createObjectURL`. */
  readonly blob: Blob;
  readonly format: BrowserVideoFormat;
  readonly mimeType: string;
  /** The WebCodecs codec used for MP4/WebM (`'avc'`, `'vp9'`, ...); undefined for the other formats. */
  readonly codec: VideoCodec | undefined;
}

const mimeTypes: Readonly<Record<BrowserVideoFormat, string>> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  gif: 'image/gif',
  apng: 'image/apng',
  y4m: 'video/x-yuv4mpeg',
};

const codecCandidates: Readonly<Record<'mp4' | 'webm', readonly VideoCodec[]>> = {
  mp4: ['avc', 'vp9', 'av1'],
  webm: ['vp9', 'vp8', 'av1'],
};

const qualities: Readonly<Record<'low' | 'medium' | 'high', Quality>> = {
  low: QUALITY_LOW,
  medium: QUALITY_MEDIUM,
  high: QUALITY_HIGH,
};

/** The first codec this browser can encode for `container` at this size and rate, or undefined. */
export async function pickVideoCodec(
  container: 'mp4' | 'webm',
  options: {
    readonly width: number;
    readonly height: number;
    readonly fps: number;
    readonly quality?: Quality;
  },
): Promise<VideoCodec | undefined> {
  if (typeof VideoEncoder === 'undefined') return undefined;
  for (const codec of codecCandidates[container]) {
    const supported = await canEncodeVideo(codec, {
      width: options.width,
      height: options.height,
      frameRate: options.fps,
      quality: options.quality ?? QUALITY_HIGH,
    }).catch(() => false);
    if (supported) return codec;
  }
  return undefined;
}

/** Encodes a clip in the browser; see the module comment for codec fallback. */
export async function encodeVideo(options: EncodeVideoOptions): Promise<EncodedVideo> {
  const { frames, format = 'auto', signal, onProgress } = options;
  if (!(frames instanceof VideoFrames)) throw new TypeError('frames must be a VideoFrames.');
  if (format !== 'auto' && !Object.hasOwn(mimeTypes, format)) {
    throw new UnsupportedFormatError(
      String(format),
      `encodeVideo writes one of auto, ${Object.keys(mimeTypes).join(', ')}; got '${String(format)}'.`,
    );
  }
  if (format !== 'auto' && isInMemoryFormat(format)) {
    const data = await encodeFrames({ ...options, frames, format });
    return result(data, format, undefined);
  }
  checkWritable(frames, format === 'auto' ? 'video' : format.toUpperCase(), 2);
  throwIfAborted(signal, 'encodeVideo');
  const even = padFramesToEven(frames);
  const quality = qualities[options.quality ?? 'high'];
  const containers: ('mp4' | 'webm')[] = format === 'auto' ? ['mp4', 'webm'] : [format as 'mp4' | 'webm'];
  for (const container of containers) {
    const codec = await pickVideoCodec(container, {
      width: even.width,
      height: even.height,
      fps: even.fps,
      quality,
    });
    if (codec === undefined) continue;
    const data = await encodeWithMediabunny({ frames: even, container, codec, quality, signal, onProgress });
    return result(data, container, codec);
  }
  throw new UnsupportedFormatError(
    format,
    `This browser cannot encode ${format === 'auto' ? 'MP4 or WebM' : format.toUpperCase()} video: WebCodecs ${
      typeof VideoEncoder === 'undefined'
        ? 'is not available'
        : `has no encoder for ${containers.map((container) => codecCandidates[container].join('/')).join(' or ')}`
    } at ${even.width}x${even.height}. Use format 'gif' or 'apng', which need no codec.`,
  );
}

function result(data: Uint8Array, format: BrowserVideoFormat, codec: VideoCodec | undefined): EncodedVideo {
  const mimeType = mimeTypes[format];
  return {
    data,
    blob: new Blob([data as Uint8Array<ArrayBuffer>], { type: mimeType }),
    format,
    mimeType,
    codec,
  };
}

async function encodeWithMediabunny(options: {
  readonly frames: VideoFrames;
  readonly container: 'mp4' | 'webm';
  readonly codec: VideoCodec;
  readonly quality: Quality;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}): Promise<Uint8Array> {
  const { frames, container, codec, quality, signal, onProgress } = options;
  const target = new BufferTarget();
  const output = new Output({
    format: container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(),
    target,
  });
  const source = new VideoSampleSource({ codec, quality, keyFrameInterval: 2 });
  output.addVideoTrack(source, { frameRate: frames.fps });
  try {
    await output.start();
    for (let index = 0; index < frames.numFrames; index++) {
      throwIfAborted(signal, 'encodeVideo');
      const planes = rgbToI420(frames.frame(index));
      const sample = new VideoSample(planes.data, {
        format: 'I420',
        codedWidth: frames.width,
        codedHeight: frames.height,
        timestamp: index / frames.fps,
        duration: 1 / frames.fps,
        colorSpace: { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false },
      });
      try {
        await source.add(sample);
      } finally {
        sample.close();
      }
      onProgress?.((index + 1) / frames.numFrames);
    }
    await output.finalize();
  } catch (error) {
    await output.cancel().catch(() => {});
    throw error;
  }
  if (target.buffer === null) throw new Error('mediabunny produced no output.');
  return new Uint8Array(target.buffer);
}
