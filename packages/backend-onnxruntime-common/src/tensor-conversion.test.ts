import { Tensor } from '@mav/tensor';
import { Tensor as OrtTensor } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import {
  dtypeOfOrtType,
  fromOrtTensor,
  normaliseOrtData,
  type OrtTensorConstructor,
  toOrtTensor,
} from './tensor-conversion.js';

const OrtTensorClass = OrtTensor as unknown as OrtTensorConstructor;

describe('tensor conversion', () => {
  it('wraps host tensors without copying and reads host outputs back', async () => {
    const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const ort = await toOrtTensor(
      new Tensor({ dtype: 'float32', dims: [2, 3], data }),
      OrtTensorClass,
      'test',
    );
    expect(ort.type).toBe('float32');
    expect(ort.dims).toEqual([2, 3]);
    expect(ort.data).toBe(data);
    const back = fromOrtTensor(ort, 'test', 'output');
    expect(back.location).toBe('cpu');
    expect(back.dims).toEqual([2, 3]);
    expect(back.data).toBe(data);
  });

  it('keeps float16 as bit patterns, even from a Float16Array-like view', () => {
    const bits = Uint16Array.from([0x3c00, 0xc000]);
    const asOtherView = new Int16Array(bits.buffer);
    const normalised = normaliseOrtData('float16', asOtherView);
    expect(normalised).toBeInstanceOf(Uint16Array);
    expect(Array.from(normalised as Uint16Array)).toEqual([0x3c00, 0xc000]);
  });

  it('feeds device tensors of the same backend as they are, and downloads those of another backend', async () => {
    const native = new OrtTensor('float32', Float32Array.from([7, 8]), [2]);
    const device = Tensor.fromDevice({
      dtype: 'float32',
      dims: [2],
      location: 'gpu-buffer',
      storage: {
        backend: 'gpu-a',
        native,
        download: async () => Float32Array.from([7, 8]),
        dispose: () => {},
      },
    });
    expect(await toOrtTensor(device, OrtTensorClass, 'gpu-a')).toBe(native);
    const copied = await toOrtTensor(device, OrtTensorClass, 'gpu-b');
    expect(copied).not.toBe(native);
    expect(Array.from(copied.data as Float32Array)).toEqual([7, 8]);
  });

  it('refuses onnxruntime types mav does not use', () => {
    expect(() => dtypeOfOrtType('string', 'Output y')).toThrow(/Output y has onnxruntime type 'string'/);
    expect(dtypeOfOrtType('int64', 'x')).toBe('int64');
  });
});
