import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { locateObjects } from './object-locator.js';

/** A frame [3 s s] in [−1, 1]: a disc of `colour` at (cx, cy), radius r (image units), over a vertical gradient. */
function disc(options: {
  size: number;
  cx: number;
  cy: number;
  r: number;
  colour: number[];
  top: number[];
  bottom: number[];
}) {
  const { size } = options;
  const data = new Float32Array(3 * size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      const inside = Math.hypot(u - options.cx, v - options.cy) <= options.r;
      for (let c = 0; c < 3; c++) {
        const background = options.top[c]! * (1 - v) + options.bottom[c]! * v;
        data[(c * size + y) * size + x] = (inside ? options.colour[c]! : background) * 2 - 1;
      }
    }
  return data;
}

describe('locateObjects', () => {
  it('finds the centroid and area of an object over a plain and over a gradient background', () => {
    const size = 64;
    const frames = new Tensor({ dtype: 'float32', dims: [2, 3, size, size] });
    // cyan on sky: the closest colour/background pair of the world
    frames.data.set(
      disc({
        size,
        cx: 0.3,
        cy: 0.6,
        r: 0.15,
        colour: [0.1, 0.85, 0.9],
        top: [0.55, 0.75, 0.95],
        bottom: [0.92, 0.95, 1],
      }),
      0,
    );
    frames.data.set(
      disc({
        size,
        cx: 0.7,
        cy: 0.25,
        r: 0.1,
        colour: [0.9, 0.12, 0.12],
        top: [0.5, 0.5, 0.5],
        bottom: [0.5, 0.5, 0.5],
      }),
      3 * size * size,
    );
    const [first, second] = locateObjects(frames);
    expect(first!.found).toBe(true);
    expect(first!.x).toBeCloseTo(0.3, 2);
    expect(first!.y).toBeCloseTo(0.6, 2);
    expect(first!.area).toBeCloseTo(Math.PI * 0.15 ** 2, 2);
    expect(second!.x).toBeCloseTo(0.7, 2);
    expect(second!.y).toBeCloseTo(0.25, 2);
    expect(second!.area).toBeCloseTo(Math.PI * 0.1 ** 2, 2);
  });

  it('finds nothing in a frame that is only background', () => {
    const size = 16;
    const frames = new Tensor({
      dtype: 'float32',
      dims: [1, 3, size, size],
      data: disc({
        size,
        cx: 0.5,
        cy: 0.5,
        r: 0,
        colour: [1, 1, 1],
        top: [0.1, 0.2, 0.3],
        bottom: [0.6, 0.7, 0.8],
      }),
    });
    const [location] = locateObjects(frames);
    expect(location!.found).toBe(false);
    expect(location!.area).toBe(0);
  });
});
