/**
 * The MP4 fallback when no ffmpeg can be spawned: h264-mp4-encoder (x264-derived H.264 compiled to wasm,
 * shipped inside the npm package). It gets the same I420 planes as ffmpeg. Its frame rate is an integer:
 * a non-integer fps is rounded (and `writeVideo` reports the rate actually written).
 */
import { throwIfAborted } from '@mav/tensor';
import { yieldToEventLoop } from '../encode-options.js';
import { checkWritable, padFramesToEven } from '../frame-padding.js';
import type { VideoFrames } from '../video-frames.js';
import { rgbToI420 } from '../yuv.js';
import type { VideoQuality } from './ffmpeg-encode.js';

const quantizer: Readonly<Record<VideoQuality, number>> = { high: 20, medium: 26, low: 32 };

/** Options of `encodeMp4WithWasm`. */
export interface WasmEncodeOptions {
  readonly frames: VideoFrames;
  readonly quality?: VideoQuality;
  readonly signal?: AbortSignal;
  readonly onProgress?: (fraction: number) => void;
}

/** Encodes frames to MP4 bytes with the wasm H.264 encoder. */
export async function encodeMp4WithWasm(options: WasmEncodeOptions): Promise<Uint8Array> {
  const { quality = 'high', signal, onProgress } = options;
  checkWritable(options.frames, 'MP4', 2);
  throwIfAborted(signal, 'MP4 encoding');
  const frames = padFramesToEven(options.frames);
  // A CommonJS package: its functions may sit on the namespace or only on `default`, depending on the loader.
  const module = await import('h264-mp4-encoder');
  const createH264MP4Encoder =
    module.createH264MP4Encoder ??
    (module as unknown as { default: typeof module }).default.createH264MP4Encoder;
  const encoder = await createH264MP4Encoder();
  try {
    encoder.width = frames.width;
    encoder.height = frames.height;
    encoder.frameRate = Math.max(1, Math.round(frames.fps));
    encoder.quantizationParameter = quantizer[quality];
    encoder.speed = 5;
    encoder.groupOfPictures = Math.max(1, Math.round(frames.fps * 2));
    // The wasm file system is shared by every encoder instance: give each output its own name.
    encoder.outputFilename = `mav-${Date.now()}-${Math.random().toString(36).slice(2)}.mp4`;
    encoder.initialize();
    for (let index = 0; index < frames.numFrames; index++) {
      throwIfAborted(signal, 'MP4 encoding');
      encoder.addFrameYuv(rgbToI420(frames.frame(index)).data);
      onProgress?.((index + 1) / frames.numFrames);
      if (index % 8 === 7) await yieldToEventLoop();
    }
    encoder.finalize();
    const bytes = encoder.FS.readFile(encoder.outputFilename);
    encoder.FS.unlink(encoder.outputFilename);
    return new Uint8Array(bytes);
  } finally {
    encoder.delete();
  }
}
