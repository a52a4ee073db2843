import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { extendVideo, linearBlend, nearestFrame, resizeBicubic } from './restoration-baselines.js';

/** `[1 1 F 1 1]`: one pixel over time. */
const track = (values: number[]) =>
  new Tensor({ dtype: 'float32', dims: [1, 1, values.length, 1, 1], data: Float32Array.from(values) });

describe('restoration baselines', () => {
  it('blends linearly and copies the nearest keyframe between keyframes', () => {
    expect([...linearBlend(track([0, 0.5, -0.5]), 4).data]).toEqual([
      0, 0.125, 0.25, 0.375, 0.5, 0.25, 0, -0.25, -0.5,
    ]);
    expect([...nearestFrame(track([0, 0.5]), 4).data]).toEqual([0, 0, 0, 0.5, 0.5]);
  });

  it('extends a video by repeating its last frame or continuing its last change, clamped', () => {
    expect([...extendVideo(track([0, 0.25, 0.5]), 3, 'nearest').data]).toEqual([0.5, 0.5, 0.5]);
    expect([...extendVideo(track([0, 0.25, 0.5]), 3, 'linear').data]).toEqual([0.75, 1, 1]);
  });

  it('resizes bicubically as PyTorch does (interpolate, mode bicubic, align_corners false)', () => {
    const input = new Tensor({
      dtype: 'float32',
      dims: [1, 1, 4, 4],
      data: Float32Array.from([0, 1, 0, 2, 1, 3, 2, 0, 0, 0, 1, 1, 2, 1, 0, 3]),
    });
    // torch 1.13: F.interpolate(x, size=(8, 8), mode='bicubic', align_corners=False), rows 0 and 7
    const torchRows = [
      [-0.199814, 0.132355, 0.691864, 0.571701, -0.208359, 0.2323, 1.627075, 2.46637],
      [2.32753, 2.003052, 1.483643, 0.597931, -0.219757, 0.518188, 2.416992, 3.560715],
    ];
    const output = resizeBicubic(input, 8);
    for (const [x, value] of torchRows[0]!.entries()) expect(output.data[x]).toBeCloseTo(value, 5);
    for (const [x, value] of torchRows[1]!.entries()) expect(output.data[56 + x]).toBeCloseTo(value, 5);
    const constant = new Tensor({
      dtype: 'float32',
      dims: [1, 1, 4, 4],
      data: new Float32Array(16).fill(0.3),
    });
    for (const value of resizeBicubic(constant, 8).data) expect(value).toBeCloseTo(0.3, 6);
  });
});
