import { Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { evenlySpacedFrames, framesAsBatch, quantizeVideo, resizeFrames } from './video-frames.js';

describe('video frames', () => {
  it('quantises [−1, 1] to bytes and reads frames back as a batch [F 3 H W]', () => {
    // [1 3 2 1 2]: two frames of 1×2 pixels
    const video = new Tensor({
      dtype: 'float32',
      dims: [1, 3, 2, 1, 2],
      data: Float32Array.from([-1, 1, 0, 0.5, -2, 2, 0, 0, 1, 1, -1, -1]),
    });
    const frames = quantizeVideo(video);
    expect([...frames.data]).toEqual([0, 255, 128, 191, 0, 255, 128, 128, 255, 255, 0, 0]);
    const batch = framesAsBatch(frames, [1]);
    expect(batch.dims).toEqual([1, 3, 1, 2]);
    expect([...batch.data].map((value) => Math.round(value * 127.5 + 127.5))).toEqual([
      128, 191, 128, 128, 0, 0,
    ]);
  });

  it('area-averages when the size divides the side, else resizes bilinearly', () => {
    const batch = new Tensor({
      dtype: 'float32',
      dims: [1, 1, 4, 4],
      data: Float32Array.from({ length: 16 }, (_, i) => i),
    });
    expect([...resizeFrames(batch, 2).data]).toEqual([2.5, 4.5, 10.5, 12.5]);
    const small = new Tensor({ dtype: 'float32', dims: [1, 1, 2, 2], data: Float32Array.from([0, 1, 2, 3]) });
    const up = resizeFrames(small, 4);
    expect(up.dims).toEqual([1, 1, 4, 4]);
    expect(up.data[0]).toBe(0);
    expect(up.data[15]).toBe(3);
  });

  it('spaces frames evenly, ends included', () => {
    expect(evenlySpacedFrames(76, 16)).toEqual(Array.from({ length: 16 }, (_, i) => 5 * i));
    expect(evenlySpacedFrames(3, 8)).toEqual([0, 1, 2]);
  });
});
