import type { Tensor } from '@mav/tensor';

/**
 * Temporal consistency: the share of frames after the first whose predicted shape and colour both equal
 * frame 0's (1 for a video whose object keeps its identity; a one-frame video counts as 1).
 */
export function temporalConsistency(shapes: ArrayLike<number>, colours: ArrayLike<number>): number {
  if (shapes.length !== colours.length)
    throw new RangeError('shapes and colours must have one entry per frame.');
  if (shapes.length < 2) return 1;
  let agree = 0;
  for (let frame = 1; frame < shapes.length; frame++) {
    if (shapes[frame] === shapes[0] && colours[frame] === colours[0]) agree++;
  }
  return agree / (shapes.length - 1);
}

/**
 * Flicker as high-pass temporal energy: the mean over frames 1 … F−2, channels and pixels of the squared
 * second difference in time, `((x_{t+1} − 2 x_t + x_{t−1}) / 2)²` for frames `[F 3 H W]` in [−1, 1] (so in
 * units of the [0, 1] range). Constant or linearly changing pixels give 0; motion of edges gives some, so
 * it is read against real clips of the world at the same frame rate and size.
 */
export function temporalHighPassEnergy(frames: Tensor<'float32'>): number {
  const [count] = frames.dims as number[];
  if (count! < 3) return 0;
  const frameSize = frames.size / count!;
  let sum = 0;
  for (let t = 1; t < count! - 1; t++) {
    for (let k = 0; k < frameSize; k++) {
      const second =
        (frames.data[(t + 1) * frameSize + k]! -
          2 * frames.data[t * frameSize + k]! +
          frames.data[(t - 1) * frameSize + k]!) /
        2;
      sum += second * second;
    }
  }
  return sum / ((count! - 2) * frameSize);
}
