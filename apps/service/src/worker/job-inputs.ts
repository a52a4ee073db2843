/**
 * A request's uploads as the cascade takes them, decoded with `@mav/video-io`'s decoders at the
 * decoder's resolution: an image as float32 `[1 3 h w]`, a video as `[1 3 f h w]`, both in [-1, 1].
 */
import type { Cascade } from '@mav/cascade';
import type { Tensor } from '@mav/tensor';
import { framesToModelInput } from '@mav/video-io';
import { readImage, readVideo } from '@mav/video-io/node';

/** The decoder's keyframe size (inputs are resized to it), 64 when the model has no decoder. */
export function inputResolution(cascade: Pick<Cascade, 'manifest'>): number {
  return cascade.manifest.stages.decoder?.resolution ?? 64;
}

/** An uploaded PNG or JPEG as float32 `[1 3 r r]` in [-1, 1]. */
export async function imageTensor(
  cascade: Pick<Cascade, 'manifest'>,
  bytes: Uint8Array,
): Promise<Tensor<'float32'>> {
  const resolution = inputResolution(cascade);
  const frames = await readImage({ data: bytes, width: resolution, height: resolution });
  // [1 3 1 h w] -> [1 3 h w]
  return framesToModelInput(frames).reshape([1, 3, resolution, resolution]);
}

/** An uploaded video as float32 `[1 3 f r r]`, at most `maxFrames` frames, with its frame rate. */
export async function videoTensor(
  cascade: Pick<Cascade, 'manifest'>,
  bytes: Uint8Array,
  options: { readonly maxFrames: number; readonly signal: AbortSignal },
): Promise<{ video: Tensor<'float32'>; fps: number }> {
  const resolution = inputResolution(cascade);
  const frames = await readVideo({
    data: bytes,
    width: resolution,
    height: resolution,
    maxFrames: options.maxFrames,
    signal: options.signal,
  });
  return { video: framesToModelInput(frames), fps: frames.fps };
}
