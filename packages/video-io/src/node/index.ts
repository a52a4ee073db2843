export * from '../index.js';
export {
  removeTemporarySiblingsSync,
  temporarySiblingPath,
  type WriteAtomicallyOptions,
  writeAtomically,
} from './atomic-write.js';
export { type EncodedVideo, type EncodeVideoOptions, encodeVideo, mimeTypes } from './encode-video.js';
export {
  encodeWithFfmpeg,
  type FfmpegEncodeOptions,
  ffmpegEncodeArguments,
  type VideoQuality,
} from './ffmpeg-encode.js';
export { type FfmpegLocation, installHint, resolveFfmpegPath, resolveFfprobePath } from './ffmpeg-path.js';
export { type ReadImageOptions, readImage } from './read-image.js';
export { probeVideo, type ReadVideoOptions, readVideo, type VideoProbe } from './read-video.js';
export { encodeMp4WithWasm, type WasmEncodeOptions } from './wasm-h264-encode.js';
export {
  type EncoderName,
  type WriteVideoOptions,
  type WriteVideoResult,
  writeVideo,
} from './write-video.js';
