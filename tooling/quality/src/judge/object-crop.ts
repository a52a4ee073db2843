import { Tensor } from '@mav/tensor';
import type { ObjectLocation } from '../metrics/object-locator.js';

/**
 * Crops `size`² pixels of each frame `[n 3 H W]` centred on its object's location (image units), at the
 * frame's own scale: bilinear between pixel centres, indices clamped at the edges (edge pixels repeat). The
 * same as `crop` in `tooling/train/mav_train/judges/locate.py`, which makes the classifier's training input.
 */
export function objectCrops(
  frames: Tensor<'float32'>,
  locations: readonly ObjectLocation[],
  size: number,
): Tensor<'float32'> {
  const [count, channels, height, width] = frames.dims as number[];
  if (frames.dims.length !== 4 || channels !== 3 || locations.length !== count) {
    throw new TypeError(
      `frames must be float32 [n 3 H W] with one location per frame, got ${frames.toString()}.`,
    );
  }
  const h = height!;
  const w = width!;
  const out = new Tensor({ dtype: 'float32', dims: [count!, 3, size, size] });
  const axis = (centre: number, extent: number) =>
    Array.from({ length: size }, (_, index) => {
      // continuous pixel coordinate of the sample (pixel centres at integers)
      const sample = centre * extent + index - size / 2;
      const low = Math.floor(sample);
      return {
        a: Math.min(Math.max(low, 0), extent - 1),
        b: Math.min(Math.max(low + 1, 0), extent - 1),
        fraction: sample - low,
      };
    });
  locations.forEach((location, frame) => {
    const xs = axis(location.x, w);
    const ys = axis(location.y, h);
    for (let channel = 0; channel < 3; channel++) {
      const plane = (frame * 3 + channel) * h * w;
      const target = (frame * 3 + channel) * size * size;
      for (let row = 0; row < size; row++) {
        const { a: ya, b: yb, fraction: fy } = ys[row]!;
        for (let column = 0; column < size; column++) {
          const { a: xa, b: xb, fraction: fx } = xs[column]!;
          const top = frames.data[plane + ya * w + xa]! * (1 - fx) + frames.data[plane + ya * w + xb]! * fx;
          const bottom =
            frames.data[plane + yb * w + xa]! * (1 - fx) + frames.data[plane + yb * w + xb]! * fx;
          out.data[target + row * size + column] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  });
  return out;
}
