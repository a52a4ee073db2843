export { crc32 } from './crc32.js';
export { decodeImageBytes, type ImageKind, sniffImageKind } from './decode-image.js';
export { encodeApng } from './encode-apng.js';
export {
  type EncodeFramesOptions,
  encodeFrames,
  type InMemoryFormat,
  isInMemoryFormat,
} from './encode-frames.js';
export { type EncodeGifOptions, encodeGif, gifFrameDelays } from './encode-gif.js';
export type { EncodeOptions } from './encode-options.js';
export { encodePng, encodePngSequence, pngSequenceFileName } from './encode-png.js';
export { type EncodeY4mOptions, encodeY4m, y4mHeader } from './encode-y4m.js';
export {
  CorruptInputError,
  DimensionError,
  EncoderMissingError,
  OutputExistsError,
  UnsupportedFormatError,
} from './errors.js';
export { checkWritable, padFramesToEven } from './frame-padding.js';
export { type FrameRate, fpsToFraction } from './frame-rate.js';
export {
  type FramesFromModelOutputOptions,
  type FramesFromTensorOptions,
  framesFromModelOutput,
  framesFromTensor,
  framesToModelInput,
} from './frames-from-tensor.js';
export { type ResizeFit, type ResizeOptions, resizeFrames, resizeImage } from './resize.js';
export { isVideoFormat, resolveVideoFormat, type VideoFormat, videoFormats } from './video-format.js';
export { checkFps, type RgbImage, VideoFrames, type VideoFramesOptions } from './video-frames.js';
export { i420FrameBytes, rgbToI420, rgbToYuv444, type YuvPlanes } from './yuv.js';
