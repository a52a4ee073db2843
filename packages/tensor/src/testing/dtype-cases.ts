import { node } from '@mav/onnx-proto';
import type { DType } from '../dtype.js';
import { toFloat16Bits } from '../float16.js';
import { Tensor, type TensorValues } from '../tensor.js';
import type { ConformanceCase } from './conformance-case.js';
import { check, graphModel } from './conformance-context.js';

/** Values chosen to catch lossy conversions: extremes, signs, subnormals, beyond-2^53 int64. */
const probes: { [T in DType]: TensorValues<T> } = {
  float32: Float32Array.from([
    0,
    -0,
    1.5,
    -3.25,
    3.4028234663852886e38,
    1.401298464324817e-45,
    Number.POSITIVE_INFINITY,
    -1e-30,
  ]),
  float16: Uint16Array.from([0, 0x8000, 0x3c00, 0xc0a0, 0x7bff, 0x0001, 0x7c00, toFloat16Bits(-0.333)]),
  int32: Int32Array.from([0, -1, 2147483647, -2147483648, 12345, -54321, 7, 8]),
  int64: BigInt64Array.from([
    0n,
    -1n,
    9007199254740993n,
    -9223372036854775808n,
    9223372036854775807n,
    42n,
    -42n,
    1n << 40n,
  ]),
  uint8: Uint8Array.from([0, 1, 127, 128, 254, 255, 17, 200]),
  bool: Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 0]),
};

/** Bit-exact round trips of every dtype through an Identity graph. */
export const dtypeCases: readonly ConformanceCase[] = (Object.keys(probes) as DType[]).map((dtype) => ({
  name: `dtype round trip: ${dtype}`,
  ops: ['Identity'],
  async run(context) {
    const bytes = graphModel({
      name: `identity-${dtype}`,
      nodes: [node({ opType: 'Identity', inputs: ['x'], outputs: ['y'] })],
      inputs: [{ name: 'x', dtype, dims: [2, 4] }],
      outputs: [{ name: 'y', dtype, dims: [2, 4] }],
    });
    const session = await context.session(bytes);
    const input = new Tensor({ dtype, dims: [2, 4], data: probes[dtype].slice() as never });
    const { y } = await session.run({ x: input });
    check(y !== undefined, `Identity ${dtype}: no output.`);
    check(y.dtype === dtype, `Identity ${dtype}: output dtype is ${y.dtype}.`);
    check(
      y.dims.length === 2 && y.dims[0] === 2 && y.dims[1] === 4,
      `Identity ${dtype}: output dims [${y.dims.join(', ')}].`,
    );
    const data = await y.getData();
    check(
      data.constructor === probes[dtype].constructor,
      `Identity ${dtype}: output data is ${data.constructor.name}.`,
    );
    const sent = Array.from(probes[dtype] as ArrayLike<number | bigint>);
    const received = Array.from(data as ArrayLike<number | bigint>);
    sent.forEach((value, index) => {
      check(
        Object.is(value, received[index]),
        `Identity ${dtype}: element ${index} sent ${String(value)}, received ${String(received[index])}.`,
      );
    });
  },
}));
