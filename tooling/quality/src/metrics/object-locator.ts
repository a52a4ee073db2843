import type { Tensor } from '@mav/tensor';

/** Where the object of one frame is, in image units (x right, y down, both in [0, 1]). */
export interface ObjectLocation {
  /** Whether anything stands out from the background (area ≥ `minimumArea`). */
  found: boolean;
  x: number;
  y: number;
  /** Share of the frame the object covers. */
  area: number;
}

/** Options of `locateObjects`. */
export interface LocateObjectsOptions {
  /** RGB distance (in [0, 1] units) below which a pixel is background. Default 0.2. */
  threshold?: number;
  /** Distance over the threshold at which a pixel counts fully as object. Default 0.15. */
  ramp?: number;
  /** Smallest area that counts as an object. Default 0.002 (about 2 pixels at 32²). */
  minimumArea?: number;
}

/**
 * The object locator: for each frame `[n 3 H W]` (in [−1, 1]) the centroid and area of what differs from the
 * estimated background. The world's backgrounds are constant along each row (plain, or a vertical
 * gradient) and objects keep off the left and right edges, so each row's background is the median of the
 * six border pixels of that row and its neighbours (left and right columns); a pixel's weight as object rises
 * linearly from 0 at `threshold` to 1 at `threshold + ramp` of RGB distance from it (the closest colour and
 * background of the world, cyan on sky and purple on gray, are 0.46 apart). The classifier's training code
 * computes the same in numpy (`tooling/train/mav_train/judges/locate.py`; a parity test compares them).
 */
export function locateObjects(
  frames: Tensor<'float32'>,
  options: LocateObjectsOptions = {},
): ObjectLocation[] {
  const threshold = options.threshold ?? 0.2;
  const ramp = options.ramp ?? 0.15;
  const minimumArea = options.minimumArea ?? 0.002;
  const [count, channels, height, width] = frames.dims as number[];
  if (frames.dims.length !== 4 || channels !== 3) {
    throw new TypeError(`frames must be float32 [n 3 H W], got ${frames.toString()}.`);
  }
  const h = height!;
  const w = width!;
  const plane = h * w;
  const locations: ObjectLocation[] = [];
  const value = (frame: number, channel: number, y: number, x: number) =>
    (frames.data[(frame * 3 + channel) * plane + y * w + x]! + 1) / 2;
  for (let frame = 0; frame < count!; frame++) {
    let total = 0;
    let sumX = 0;
    let sumY = 0;
    for (let y = 0; y < h; y++) {
      const background = [0, 0, 0];
      for (let channel = 0; channel < 3; channel++) {
        const border: number[] = [];
        for (let row = Math.max(0, y - 1); row <= Math.min(h - 1, y + 1); row++) {
          border.push(value(frame, channel, row, 0), value(frame, channel, row, w - 1));
        }
        background[channel] = median(border);
      }
      for (let x = 0; x < w; x++) {
        let distance = 0;
        for (let channel = 0; channel < 3; channel++) {
          const difference = value(frame, channel, y, x) - background[channel]!;
          distance += difference * difference;
        }
        const weight = Math.min(1, Math.max(0, (Math.sqrt(distance) - threshold) / ramp));
        total += weight;
        sumX += weight * ((x + 0.5) / w);
        sumY += weight * ((y + 0.5) / h);
      }
    }
    const area = total / plane;
    const found = area >= minimumArea;
    locations.push({ found, x: found ? sumX / total : 0.5, y: found ? sumY / total : 0.5, area });
  }
  return locations;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
