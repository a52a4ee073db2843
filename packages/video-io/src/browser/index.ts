export * from '../index.js';
export {
  type BrowserVideoFormat,
  type EncodedVideo,
  type EncodeVideoOptions,
  encodeVideo,
  pickVideoCodec,
} from './encode-video.js';
export { canvasRgb, type ReadImageOptions, readImage } from './read-image.js';
export { type ReadVideoOptions, readVideo } from './read-video.js';
