import { describe, expect, it } from 'vitest';
import {
  attribute,
  elementTypeOf,
  littleEndianBytes,
  MAV_OPSET,
  model,
  node,
  onnxDataType,
  tensorProto,
  valueInfo,
} from './onnx-builders.js';
import { decodeModel, encodeModel } from './onnx-codec.js';
import { OnnxAttributeType, OnnxDataType } from './onnx-types.js';

function sampleModel() {
  return model({
    graph: {
      name: 'sample',
      node: [
        node({
          opType: 'Conv',
          name: 'temporal_conv',
          inputs: ['x', 'w'],
          outputs: ['y'],
          attributes: [
            attribute.ints('pads', [1, 1]),
            attribute.float('alpha', 0.5),
            attribute.string('mode', 'nearest'),
          ],
        }),
      ],
      input: [valueInfo('x', 'float32', ['batch', 4, 16])],
      output: [valueInfo('y', 'float32', ['batch', 4, undefined])],
      initializer: [
        tensorProto({
          name: 'w',
          elementType: 'float32',
          dims: [4, 4, 3],
          data: Float32Array.from({ length: 48 }, (_, index) => index / 8),
        }),
      ],
    },
    metadata: { stage: 'decoder' },
  });
}

describe('ONNX encode/decode', () => {
  it('round-trips a model with attributes, symbolic dims, initializers and metadata', () => {
    const decoded = decodeModel(encodeModel(sampleModel()));
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport[0]!.version).toBe(MAV_OPSET);
    const conv = decoded.graph.node[0]!;
    expect(conv.opType).toBe('Conv');
    expect(conv.name).toBe('temporal_conv');
    expect(conv.input).toEqual(['x', 'w']);
    const [pads, alpha, mode] = conv.attribute!;
    expect(pads).toMatchObject({ name: 'pads', type: OnnxAttributeType.INTS, ints: [1, 1] });
    expect(alpha).toMatchObject({ name: 'alpha', type: OnnxAttributeType.FLOAT, f: 0.5 });
    expect(new TextDecoder().decode(mode!.s)).toBe('nearest');
    const dims = decoded.graph.input[0]!.type!.tensorType!.shape!.dim;
    expect(dims).toEqual([{ dimParam: 'batch' }, { dimValue: 4 }, { dimValue: 16 }]);
    expect(decoded.graph.output[0]!.type!.tensorType!.shape!.dim[2]).toEqual({});
    const weight = decoded.graph.initializer![0]!;
    expect(weight.dataType).toBe(OnnxDataType.FLOAT);
    expect(weight.dims).toEqual([4, 4, 3]);
    const values = new Float32Array(new Uint8Array(weight.rawData!).buffer);
    expect(values[47]).toBe(47 / 8);
    expect(decoded.metadataProps).toEqual([{ key: 'stage', value: 'decoder' }]);
  });

  it('writes the field numbers ONNX defines (checked on the raw bytes)', () => {
    const bytes = encodeModel(model({ graph: { name: 'g', node: [], input: [], output: [] } }));
    // ModelProto: ir_version is field 1 (varint, tag 0x08); the graph is field 7 (length-delimited, 0x3a);
    // opset_import is field 8 (0x42).
    expect(bytes[0]).toBe(0x08);
    expect(bytes[1]).toBe(8);
    expect(Array.from(bytes)).toContain(0x3a);
    expect(Array.from(bytes)).toContain(0x42);
  });

  it('rejects objects that do not fit the schema with TypeError', () => {
    const broken = sampleModel();
    (broken.graph.node[0] as unknown as { input: unknown }).input = 'x';
    expect(() => encodeModel(broken)).toThrow(TypeError);
  });
});

describe('builders', () => {
  it('map element types to ONNX codes and back', () => {
    expect(onnxDataType('float16')).toBe(10);
    expect(onnxDataType('int64')).toBe(7);
    expect(elementTypeOf(9)).toBe('bool');
    expect(elementTypeOf(11)).toBeUndefined();
    expect(() => onnxDataType('float64' as 'float32')).toThrow(RangeError);
  });

  it('check tensor sizes and write little-endian bytes', () => {
    expect(() =>
      tensorProto({ name: 'w', elementType: 'float32', dims: [2, 3], data: new Float32Array(5) }),
    ).toThrow(/tensor 'w' has 5 elements but dims \[2, 3\] need 6/);
    expect(Array.from(littleEndianBytes(Int32Array.from([0x01020304])))).toEqual([4, 3, 2, 1]);
    expect(Array.from(littleEndianBytes(BigInt64Array.from([-2n])))).toEqual([
      254, 255, 255, 255, 255, 255, 255, 255,
    ]);
  });
});
