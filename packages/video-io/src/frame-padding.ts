/**
 * Even-size padding for 4:2:0 codecs. H.264 and VP9 in yuv420 need even widths and heights; rather than
 * let each encoder crash or scale, we pad deliberately: an odd width gains one column, an odd height one
 * row, each a copy of the last one (edge replication, so no dark border bleeds into chroma). A 127×95
 * clip is therefore written as 128×96. Sizes below 2×2 cannot be written as yuv420 video at all.
 */
import { DimensionError } from './errors.js';
import { VideoFrames } from './video-frames.js';

/** Throws `DimensionError` unless `frames` has at least one frame and at least `minimum`×`minimum` pixels. */
export function checkWritable(frames: VideoFrames, format: string, minimum = 1): void {
  if (!(frames instanceof VideoFrames)) {
    throw new TypeError('frames must be a VideoFrames.');
  }
  if (frames.numFrames === 0) {
    throw new DimensionError(`Cannot write a ${format} with 0 frames: frames must hold at least one frame.`);
  }
  if (frames.width < minimum || frames.height < minimum) {
    throw new DimensionError(
      `${format} needs frames of at least ${minimum}x${minimum} pixels, got ${frames.width}x${frames.height}.`,
    );
  }
}

/** Returns `frames` unchanged when both sizes are even, else a copy padded by edge replication to even sizes. */
export function padFramesToEven(frames: VideoFrames): VideoFrames {
  const { width, height, numFrames, data } = frames;
  if (width % 2 === 0 && height % 2 === 0) {
    return frames;
  }
  const paddedWidth = width + (width % 2);
  const paddedHeight = height + (height % 2);
  const out = new Uint8Array(numFrames * paddedWidth * paddedHeight * 3);
  for (let frame = 0; frame < numFrames; frame++) {
    const source = frame * width * height * 3;
    const target = frame * paddedWidth * paddedHeight * 3;
    for (let y = 0; y < paddedHeight; y++) {
      const sourceRow = source + Math.min(y, height - 1) * width * 3;
      const targetRow = target + y * paddedWidth * 3;
      out.set(data.subarray(sourceRow, sourceRow + width * 3), targetRow);
      if (paddedWidth !== width) {
        out.copyWithin(targetRow + width * 3, targetRow + (width - 1) * 3, targetRow + width * 3);
      }
    }
  }
  return new VideoFrames({ width: paddedWidth, height: paddedHeight, fps: frames.fps, data: out });
}
