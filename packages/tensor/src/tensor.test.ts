import { describe, expect, it } from 'vitest';
import { DisposedError, UnsupportedError } from './errors.js';
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from './float16.js';
import { resolveReshape, shapeStrides } from './shape.js';
import { Tensor } from './tensor.js';

describe('Tensor', () => {
  it('holds host data for every dtype, from typed arrays or plain numbers', () => {
    expect(new Tensor({ dtype: 'float32', dims: [2, 2], data: [1, 2, 3, 4] }).data).toEqual(
      Float32Array.from([1, 2, 3, 4]),
    );
    expect(new Tensor({ dtype: 'int64', dims: [2], data: [1, 9007199254740993n] }).data).toEqual(
      BigInt64Array.from([1n, 9007199254740993n]),
    );
    expect(new Tensor({ dtype: 'bool', dims: [3], data: [0, 2, -1] }).data).toEqual(
      Uint8Array.from([0, 1, 1]),
    );
    expect(new Tensor({ dtype: 'float16', dims: [2], data: [1, -2] }).data).toEqual(
      Uint16Array.from([0x3c00, 0xc000]),
    );
    const zeros = new Tensor({ dtype: 'uint8', dims: [2, 0, 3] });
    expect(zeros.size).toBe(0);
    expect(new Tensor({ dtype: 'int32', dims: [] }).size).toBe(1);
  });

  it('rejects wrong kinds of values with TypeError and wrong sizes with RangeError, naming the parameter', () => {
    expect(() => new Tensor({ dtype: 'float64' as 'float32', dims: [1] })).toThrow(TypeError);
    expect(
      () => new Tensor({ dtype: 'float32', dims: [2], data: new Int32Array(2) as unknown as Float32Array }),
    ).toThrow(/data for dtype float32 must be a Float32Array, got Int32Array/);
    expect(() => new Tensor({ dtype: 'float32', dims: [2, 3], data: new Float32Array(5) })).toThrow(
      RangeError,
    );
    expect(() => new Tensor({ dtype: 'float32', dims: [2, -1] })).toThrow(
      /dims\[1\] must be a non-negative integer/,
    );
    expect(() => new Tensor({ dtype: 'float32', dims: [2.5] })).toThrow(RangeError);
    expect(() => new Tensor({ dtype: 'float32', dims: '2' as unknown as number[] })).toThrow(TypeError);
    expect(() => new Tensor({ dtype: 'int64', dims: [1], data: [0.5] })).toThrow(
      /data\[0\] must be a bigint or a safe integer/,
    );
  });

  it('reshapes with one inferred axis, sharing data', () => {
    const tensor = new Tensor({ dtype: 'float32', dims: [2, 3, 4] });
    const reshaped = tensor.reshape([6, -1]);
    expect(reshaped.dims).toEqual([6, 4]);
    expect(reshaped.data).toBe(tensor.data);
    expect(() => tensor.reshape([5, -1])).toThrow(/Cannot infer -1/);
    expect(() => tensor.reshape([-1, -1])).toThrow(/at most one -1/);
    expect(() => resolveReshape([2, 3], [7])).toThrow(/Cannot reshape \[2, 3\] \(6 elements\) to \[7\]/);
    expect(shapeStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('throws DisposedError after dispose and disposes device storage once', async () => {
    let disposals = 0;
    const device = Tensor.fromDevice({
      dtype: 'float32',
      dims: [2],
      location: 'gpu-buffer',
      storage: {
        backend: 'test',
        native: null,
        download: async () => Float32Array.from([1, 2]),
        dispose: () => disposals++,
      },
    });
    expect(() => device.data).toThrow(UnsupportedError);
    expect(await device.getData()).toEqual(Float32Array.from([1, 2]));
    const host = await device.toHost();
    expect(host.location).toBe('cpu');
    expect(host.data).toEqual(Float32Array.from([1, 2]));
    device.dispose();
    device.dispose();
    expect(disposals).toBe(1);
    await expect(device.getData()).rejects.toSatisfy(DisposedError.isInstance);
    expect(String(device)).toBe('Tensor(float32 [2] on gpu-buffer, disposed)');
  });

  it('rejects device data of the wrong type from a backend', async () => {
    const device = new Tensor({
      dtype: 'float32',
      dims: [2],
      location: 'gpu-buffer',
      storage: {
        backend: 'bad',
        native: null,
        download: async () => Int32Array.from([1, 2]),
        dispose: () => {},
      },
    });
    await expect(device.getData()).rejects.toThrow(/Backend 'bad' returned Int32Array/);
  });
});

describe('float16', () => {
  it('converts known values exactly, with round-to-nearest-even', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [65504, 0x7bff],
      [65520, 0x7c00], // rounds up to Infinity
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway to zero rounds to even (0)
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next float16 rounds to even
      [1 + 3 * 2 ** -11, 0x3c02],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [0.333251953125, 0x3555],
    ];
    for (const [value, bits] of cases) {
      expect(toFloat16Bits(value), `toFloat16Bits(${value})`).toBe(bits);
    }
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(Number.NaN)))).toBe(true);
  });

  it('round-trips every float16 bit pattern', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, index) => index);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let bits = 0; bits < 65536; bits++) {
      const isNotANumber = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (!isNotANumber) {
        expect(back[bits]).toBe(bits);
      }
    }
  });
});
