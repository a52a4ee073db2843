/**
 * Uploads are checked before a job is queued, with the real decoders: an image must be a PNG or JPEG no
 * larger than the pixel limit (read from its header before anything is decoded) that decodes completely;
 * a video must decode with ffmpeg. Each problem is a 4xx naming the field.
 */
import { AbortError } from '@mav/tensor';
import { CorruptInputError, decodeImageBytes, EncoderMissingError, sniffImageKind } from '@mav/video-io';
import { readVideo } from '@mav/video-io/node';
import { type JobRequest, uploadsOf } from '../api/job-request.js';
import { ServiceError } from '../api/service-error.js';
import { imageDimensions } from './image-dimensions.js';

/** Limits of {@link checkUploads}. */
export interface UploadLimits {
  /** Decoded bytes per upload. */
  readonly maxUploadBytes: number;
  /** Width × height of an uploaded image. */
  readonly maxImagePixels: number;
}

function checkImage(field: string, bytes: Uint8Array, limits: UploadLimits): void {
  if (sniffImageKind(bytes) === undefined) {
    throw ServiceError.field(
      415,
      'unsupported-upload',
      field,
      'not a PNG or JPEG image (its first bytes match neither)',
    );
  }
  const size = imageDimensions(bytes);
  if (size === undefined) {
    throw ServiceError.field(422, 'corrupt-upload', field, 'the image header cannot be read');
  }
  if (size.width * size.height > limits.maxImagePixels) {
    throw ServiceError.field(
      413,
      'upload-too-large',
      field,
      `the image is ${size.width}x${size.height}, more than ${limits.maxImagePixels} pixels`,
    );
  }
  try {
    decodeImageBytes(bytes, field);
  } catch (error) {
    throw ServiceError.field(422, 'corrupt-upload', field, (error as Error).message, error);
  }
}

async function checkVideo(field: string, bytes: Uint8Array): Promise<void> {
  try {
    await readVideo({ data: bytes, maxFrames: 1, width: 8, height: 8, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    if (EncoderMissingError.isInstance(error)) {
      throw new ServiceError(
        503,
        'decoder-missing',
        `${field}: videos cannot be read here: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    if (AbortError.isInstance(error)) {
      throw ServiceError.field(422, 'corrupt-upload', field, 'the video took too long to decode', error);
    }
    const message = CorruptInputError.isInstance(error) ? error.message : (error as Error).message;
    throw ServiceError.field(422, 'corrupt-upload', field, `the video does not decode: ${message}`, error);
  }
}

/** Checks every upload of `request`; throws a {@link ServiceError} (413, 415, 422) for the first bad one. */
export async function checkUploads(request: JobRequest, limits: UploadLimits): Promise<void> {
  for (const upload of uploadsOf(request)) {
    const field = `body.${upload.field}`;
    const bytes = new Uint8Array(Buffer.from(upload.base64, 'base64'));
    if (bytes.length > limits.maxUploadBytes) {
      throw ServiceError.field(413, 'upload-too-large', field, `larger than ${limits.maxUploadBytes} bytes`);
    }
    if (upload.kind === 'image') checkImage(field, bytes, limits);
    else await checkVideo(field, bytes);
  }
}
