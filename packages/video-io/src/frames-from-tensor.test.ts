import { Tensor, toFloat16Bits } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { framesFromModelOutput, framesFromTensor, framesToModelInput } from './frames-from-tensor.js';

describe('framesFromModelOutput', () => {
  it('maps [-1, 1] to bytes with rounding and clamping, [b c f h w] -> [f h w c]', () => {
    // b=1 c=3 f=2 h=1 w=2: channel-major values.
    const values = [
      // red: frame 0 (two pixels), frame 1
      -1,
      1,
      0,
      -2,
      // green
      0.5,
      -0.5,
      Number.NaN,
      3,
      // blue
      1 / 127.5 - 1,
      2 / 127.5 - 1 - 1e-4,
      0.999,
      -0.999,
    ];
    const frames = framesFromModelOutput({
      tensor: new Tensor({ dtype: 'float32', dims: [1, 3, 2, 1, 2], data: values }),
      fps: 8,
    });
    expect([frames.numFrames, frames.height, frames.width, frames.fps]).toEqual([2, 1, 2, 8]);
    // round((x + 1) * 127.5): 0.5 -> 191.25 -> 191; -0.5 -> 63.75 -> 64; 0 -> 127.5 -> 128.
    expect(Array.from(frames.data)).toEqual([0, 191, 1, 255, 64, 2, 128, 0, 255, 0, 255, 0]);
  });

  it('reads float16, picks the batch item, and turns one channel into grey', () => {
    const data = new Uint16Array([toFloat16Bits(-1), toFloat16Bits(1), toFloat16Bits(0), toFloat16Bits(0.5)]);
    const frames = framesFromModelOutput({
      tensor: new Tensor({ dtype: 'float16', dims: [2, 1, 1, 1, 2], data }),
      fps: 1,
      batchIndex: 1,
    });
    expect(Array.from(frames.data)).toEqual([128, 128, 128, 191, 191, 191]);
  });

  it('rejects wrong kinds and shapes', () => {
    expect(() =>
      framesFromModelOutput({ tensor: new Tensor({ dtype: 'int32', dims: [1, 3, 1, 1, 1] }), fps: 1 }),
    ).toThrow(TypeError);
    expect(() =>
      framesFromModelOutput({ tensor: new Tensor({ dtype: 'float32', dims: [3, 1, 1, 1] }), fps: 1 }),
    ).toThrow(RangeError);
    expect(() =>
      framesFromModelOutput({
        tensor: new Tensor({ dtype: 'float32', dims: [1, 3, 1, 1, 1] }),
        fps: 1,
        batchIndex: 1,
      }),
    ).toThrow(RangeError);
    expect(() =>
      framesFromModelOutput({ tensor: new Tensor({ dtype: 'float32', dims: [1, 3, 1, 1, 1] }), fps: 0 }),
    ).toThrow(RangeError);
  });

  it('framesToModelInput inverts it exactly for every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 * 3 }, (_, index) => index % 256);
    const frames = framesFromTensor({
      tensor: new Tensor({ dtype: 'uint8', dims: [4, 8, 8, 3], data: bytes }),
      fps: 4,
    });
    const tensor = framesToModelInput(frames);
    expect(tensor.dims).toEqual([1, 3, 4, 8, 8]);
    expect(framesFromModelOutput({ tensor, fps: 4 }).data).toEqual(frames.data);
  });
});
