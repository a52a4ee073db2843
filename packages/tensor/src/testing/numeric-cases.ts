import { attribute, node } from '@mav/onnx-proto';
import { Tensor } from '../tensor.js';
import type { ConformanceCase } from './conformance-case.js';
import { expectClose, f32, floatInitializer, graphModel, int64Initializer } from './conformance-context.js';
import {
  binary,
  convolution,
  erf,
  instanceNormalization,
  layerNormalization,
  matMul,
  reduceMean,
  referenceArray,
  resize2d,
  softmax,
  transpose,
  unary,
} from './reference-math.js';

/** Numeric checks of single operators (and short chains) against the plain-TypeScript reference. */
export const numericCases: readonly ConformanceCase[] = [
  {
    name: 'Conv 2-D (3x3, padding 1, bias)',
    ops: ['Conv'],
    async run(context) {
      const x = context.randomTensor([2, 3, 7, 6]);
      const w = context.randomTensor([4, 3, 3, 3], 0.3);
      const b = context.randomTensor([4]);
      const bytes = graphModel({
        name: 'conv2d',
        nodes: [
          node({
            opType: 'Conv',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: [attribute.ints('pads', [1, 1, 1, 1]), attribute.ints('kernel_shape', [3, 3])],
          }),
        ],
        inputs: [f32('x', [2, 3, 7, 6])],
        outputs: [f32('y', [2, 4, 7, 6])],
        initializers: [floatInitializer('w', w.reference), floatInitializer('b', b.reference)],
      });
      const session = await context.session(bytes);
      const { y } = await session.run({ x: x.tensor });
      await expectClose(
        'Conv 2-D',
        y,
        convolution(x.reference, w.reference, b.reference, { pads: [1, 1, 1, 1] }),
      );
    },
  },
  {
    name: 'Conv 2-D (stride 2, 2 groups, no bias)',
    ops: ['Conv'],
    async run(context) {
      const x = context.randomTensor([1, 4, 8, 8]);
      const w = context.randomTensor([4, 2, 3, 3], 0.3);
      const options = { pads: [1, 1, 1, 1], strides: [2, 2], group: 2 };
      const bytes = graphModel({
        name: 'conv2d-strided',
        nodes: [
          node({
            opType: 'Conv',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attributes: [
              attribute.ints('pads', options.pads),
              attribute.ints('strides', options.strides),
              attribute.int('group', 2),
            ],
          }),
        ],
        inputs: [f32('x', [1, 4, 8, 8])],
        outputs: [f32('y', [1, 4, 4, 4])],
        initializers: [floatInitializer('w', w.reference)],
      });
      const session = await context.session(bytes);
      const { y } = await session.run({ x: x.tensor });
      await expectClose('Conv 2-D strided', y, convolution(x.reference, w.reference, undefined, options));
    },
  },
  {
    name: 'Conv 2-D with 6 and 9 input channels',
    ops: ['Conv'],
    async run(context) {
      // Channel counts that are not multiples of 4 broke onnxruntime-web 1.30's WebGPU Conv (6 = sample +
      // low-res image in the super-resolution UNets); an adapter must give correct results for them.
      for (const channels of [6, 9]) {
        const x = context.randomTensor([1, channels, 8, 8]);
        const w = context.randomTensor([8, channels, 3, 3], 0.3);
        const b = context.randomTensor([8]);
        const bytes = graphModel({
          name: `conv2d-${channels}-channels`,
          nodes: [
            node({
              opType: 'Conv',
              inputs: ['x', 'w', 'b'],
              outputs: ['y'],
              attributes: [attribute.ints('pads', [1, 1, 1, 1])],
            }),
          ],
          inputs: [f32('x', [1, channels, 8, 8])],
          outputs: [f32('y', [1, 8, 8, 8])],
          initializers: [floatInitializer('w', w.reference), floatInitializer('b', b.reference)],
        });
        const session = await context.session(bytes);
        const { y } = await session.run({ x: x.tensor });
        await expectClose(
          `Conv 2-D, ${channels} input channels`,
          y,
          convolution(x.reference, w.reference, b.reference, { pads: [1, 1, 1, 1] }),
        );
      }
    },
  },
  {
    name: 'Conv 1-D (kernel 3, padding 1: the temporal convolution)',
    ops: ['Conv'],
    async run(context) {
      const x = context.randomTensor([5, 4, 16]);
      const w = context.randomTensor([4, 4, 3], 0.3);
      const b = context.randomTensor([4]);
      const bytes = graphModel({
        name: 'conv1d',
        nodes: [
          node({
            opType: 'Conv',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: [attribute.ints('pads', [1, 1])],
          }),
        ],
        inputs: [f32('x', [5, 4, 16])],
        outputs: [f32('y', [5, 4, 16])],
        initializers: [floatInitializer('w', w.reference), floatInitializer('b', b.reference)],
      });
      const session = await context.session(bytes);
      const { y } = await session.run({ x: x.tensor });
      await expectClose('Conv 1-D', y, convolution(x.reference, w.reference, b.reference, { pads: [1, 1] }));
    },
  },
  {
    name: 'MatMul (batched and broadcast)',
    ops: ['MatMul'],
    async run(context) {
      const a = context.randomTensor([2, 3, 4, 5]);
      const b = context.randomTensor([2, 3, 5, 6]);
      const c = context.randomTensor([6, 7]);
      const bytes = graphModel({
        name: 'matmul',
        nodes: [
          node({ opType: 'MatMul', inputs: ['a', 'b'], outputs: ['ab'] }),
          node({ opType: 'MatMul', inputs: ['ab', 'c'], outputs: ['abc'] }),
        ],
        inputs: [f32('a', [2, 3, 4, 5]), f32('b', [2, 3, 5, 6]), f32('c', [6, 7])],
        outputs: [f32('ab', [2, 3, 4, 6]), f32('abc', [2, 3, 4, 7])],
      });
      const session = await context.session(bytes);
      const outputs = await session.run({ a: a.tensor, b: b.tensor, c: c.tensor });
      const ab = matMul(a.reference, b.reference);
      await expectClose('MatMul batched', outputs.ab, ab);
      await expectClose('MatMul broadcast', outputs.abc, matMul(ab, c.reference), { absolute: 3e-5 });
    },
  },
  {
    name: 'Gemm (linear layer, transB)',
    ops: ['Gemm'],
    async run(context) {
      const x = context.randomTensor([3, 8]);
      const w = context.randomTensor([5, 8], 0.5);
      const b = context.randomTensor([5]);
      const bytes = graphModel({
        name: 'gemm',
        nodes: [
          node({
            opType: 'Gemm',
            inputs: ['x', 'w', 'b'],
            outputs: ['y'],
            attributes: [attribute.int('transB', 1)],
          }),
        ],
        inputs: [f32('x', [3, 8])],
        outputs: [f32('y', [3, 5])],
        initializers: [floatInitializer('w', w.reference), floatInitializer('b', b.reference)],
      });
      const session = await context.session(bytes);
      const { y } = await session.run({ x: x.tensor });
      const expected = binary(
        matMul(x.reference, transpose(w.reference, [1, 0])),
        b.reference,
        (p, q) => p + q,
      );
      await expectClose('Gemm', y, expected);
    },
  },
  {
    name: 'Softmax (last axis, large logits)',
    ops: ['Softmax'],
    async run(context) {
      const x = context.randomTensor([2, 3, 7], 20);
      const bytes = graphModel({
        name: 'softmax',
        nodes: [
          node({ opType: 'Softmax', inputs: ['x'], outputs: ['y'], attributes: [attribute.int('axis', -1)] }),
        ],
        inputs: [f32('x', [2, 3, 7])],
        outputs: [f32('y', [2, 3, 7])],
      });
      const session = await context.session(bytes);
      const { y } = await session.run({ x: x.tensor });
      await expectClose('Softmax', y, softmax(x.reference, -1), { absolute: 1e-6, relative: 1e-4 });
    },
  },
  {
    name: 'LayerNormalization and InstanceNormalization',
    ops: ['LayerNormalization', 'InstanceNormalization'],
    async run(context) {
      const x = context.randomTensor([2, 4, 5, 6], 3);
      const layerScale = context.randomTensor([6]);
      const layerBias = context.randomTensor([6]);
      const instanceScale = context.randomTensor([4]);
      const instanceBias = context.randomTensor([4]);
      const bytes = graphModel({
        name: 'normalisation',
        nodes: [
          node({
            opType: 'LayerNormalization',
            inputs: ['x', 'ls', 'lb'],
            outputs: ['layer'],
            attributes: [attribute.int('axis', -1), attribute.float('epsilon', 1e-5)],
          }),
          node({
            opType: 'InstanceNormalization',
            inputs: ['x', 'is', 'ib'],
            outputs: ['instance'],
            attributes: [attribute.float('epsilon', 1e-5)],
          }),
        ],
        inputs: [f32('x', [2, 4, 5, 6])],
        outputs: [f32('layer', [2, 4, 5, 6]), f32('instance', [2, 4, 5, 6])],
        initializers: [
          floatInitializer('ls', layerScale.reference),
          floatInitializer('lb', layerBias.reference),
          floatInitializer('is', instanceScale.reference),
          floatInitializer('ib', instanceBias.reference),
        ],
      });
      const session = await context.session(bytes);
      const outputs = await session.run({ x: x.tensor });
      await expectClose(
        'LayerNormalization',
        outputs.layer,
        layerNormalization(x.reference, layerScale.reference, layerBias.reference, 1e-5),
        { absolute: 2e-5 },
      );
      await expectClose(
        'InstanceNormalization',
        outputs.instance,
        instanceNormalization(x.reference, instanceScale.reference, instanceBias.reference, 1e-5),
        { absolute: 2e-5 },
      );
    },
  },
  {
    name: 'Resize (nearest 2x upsampling, bilinear half-pixel)',
    ops: ['Resize'],
    async run(context) {
      const x = context.randomTensor([1, 2, 4, 5]);
      const scales = referenceArray([4], [1, 1, 2, 2]);
      const bytes = graphModel({
        name: 'resize',
        nodes: [
          node({
            opType: 'Resize',
            inputs: ['x', '', 'scales'],
            outputs: ['nearest'],
            attributes: [
              attribute.string('mode', 'nearest'),
              attribute.string('coordinate_transformation_mode', 'asymmetric'),
              attribute.string('nearest_mode', 'floor'),
            ],
          }),
          node({
            opType: 'Resize',
            inputs: ['x', '', 'scales'],
            outputs: ['linear'],
            attributes: [
              attribute.string('mode', 'linear'),
              attribute.string('coordinate_transformation_mode', 'half_pixel'),
            ],
          }),
        ],
        inputs: [f32('x', [1, 2, 4, 5])],
        outputs: [f32('nearest', [1, 2, 8, 10]), f32('linear', [1, 2, 8, 10])],
        initializers: [floatInitializer('scales', scales)],
      });
      const session = await context.session(bytes);
      const outputs = await session.run({ x: x.tensor });
      await expectClose('Resize nearest', outputs.nearest, resize2d(x.reference, [2, 2], 'nearest'));
      await expectClose('Resize linear', outputs.linear, resize2d(x.reference, [2, 2], 'linear'));
    },
  },
  {
    name: 'Transpose and Reshape (the pseudo-3D folds)',
    ops: ['Transpose', 'Reshape'],
    async run(context) {
      // [b c f h w] -> [b f c h w] -> [(b f) c h w], then [(b f) c h w] -> [b h w c f] via the 5-D view.
      const x = context.randomTensor([2, 3, 4, 2, 5]);
      const bytes = graphModel({
        name: 'folds',
        nodes: [
          node({
            opType: 'Transpose',
            inputs: ['x'],
            outputs: ['t'],
            attributes: [attribute.ints('perm', [0, 2, 1, 3, 4])],
          }),
          node({ opType: 'Reshape', inputs: ['t', 'frames_in_batch'], outputs: ['folded'] }),
          node({
            opType: 'Transpose',
            inputs: ['x'],
            outputs: ['pixels_first'],
            attributes: [attribute.ints('perm', [0, 3, 4, 1, 2])],
          }),
          node({ opType: 'Reshape', inputs: ['pixels_first', 'pixels_in_batch'], outputs: ['temporal'] }),
        ],
        inputs: [f32('x', [2, 3, 4, 2, 5])],
        outputs: [f32('folded', [8, 3, 2, 5]), f32('temporal', [20, 3, 4])],
        initializers: [
          int64Initializer('frames_in_batch', [-1, 3, 2, 5]),
          int64Initializer('pixels_in_batch', [20, 3, 4]),
        ],
      });
      const session = await context.session(bytes);
      const outputs = await session.run({ x: x.tensor });
      const folded = transpose(x.reference, [0, 2, 1, 3, 4]);
      await expectClose(
        'Transpose+Reshape frames',
        outputs.folded,
        { dims: [8, 3, 2, 5], data: folded.data },
        { absolute: 0, relative: 0 },
      );
      const temporal = transpose(x.reference, [0, 3, 4, 1, 2]);
      await expectClose(
        'Transpose+Reshape pixels',
        outputs.temporal,
        { dims: [20, 3, 4], data: temporal.data },
        { absolute: 0, relative: 0 },
      );
    },
  },
  {
    name: 'Elementwise binary ops with broadcasting',
    ops: ['Add', 'Sub', 'Mul', 'Div', 'Pow'],
    async run(context) {
      const a = context.randomTensor([2, 3, 4]);
      const b = context.randomTensor([3, 1]);
      const positive = { dims: [2, 3, 4], data: context.uniform(24, 0.5, 2) };
      const exponent = referenceArray([1], [1.5]);
      const bytes = graphModel({
        name: 'binary',
        nodes: [
          node({ opType: 'Add', inputs: ['a', 'b'], outputs: ['add'] }),
          node({ opType: 'Sub', inputs: ['a', 'b'], outputs: ['sub'] }),
          node({ opType: 'Mul', inputs: ['a', 'b'], outputs: ['mul'] }),
          node({ opType: 'Div', inputs: ['a', 'p'], outputs: ['div'] }),
          node({ opType: 'Pow', inputs: ['p', 'e'], outputs: ['pow'] }),
        ],
        inputs: [f32('a', [2, 3, 4]), f32('b', [3, 1]), f32('p', [2, 3, 4])],
        outputs: [
          f32('add', [2, 3, 4]),
          f32('sub', [2, 3, 4]),
          f32('mul', [2, 3, 4]),
          f32('div', [2, 3, 4]),
          f32('pow', [2, 3, 4]),
        ],
        initializers: [floatInitializer('e', exponent)],
      });
      const session = await context.session(bytes);
      const p = new Tensor({ dtype: 'float32', dims: positive.dims, data: positive.data });
      const outputs = await session.run({ a: a.tensor, b: b.tensor, p });
      const pReference = referenceArray(positive.dims, positive.data);
      await expectClose(
        'Add',
        outputs.add,
        binary(a.reference, b.reference, (x, y) => x + y),
      );
      await expectClose(
        'Sub',
        outputs.sub,
        binary(a.reference, b.reference, (x, y) => x - y),
      );
      await expectClose(
        'Mul',
        outputs.mul,
        binary(a.reference, b.reference, (x, y) => x * y),
      );
      await expectClose(
        'Div',
        outputs.div,
        binary(a.reference, pReference, (x, y) => x / y),
      );
      await expectClose(
        'Pow',
        outputs.pow,
        binary(pReference, exponent, (x, y) => x ** y),
        { relative: 1e-5 },
      );
    },
  },
  {
    name: 'Elementwise unary ops',
    ops: ['Sigmoid', 'Tanh', 'Exp', 'Sqrt', 'Neg', 'Sin', 'Cos', 'Erf'],
    async run(context) {
      const x = context.randomTensor([3, 17], 2);
      // Sin and Cos are checked on [-π, π] to 2^-11 absolute: that is all WGSL promises (and SwiftShader's
      // WebGPU is off by ~2e-4), and nothing at all outside [-π, π]. Graphs that need accurate or large
      // angles (timestep embeddings) compute them on the host and feed them.
      const angles = referenceArray([3, 17], context.uniform(51, -Math.PI, Math.PI));
      const unaryOps: [string, (value: number) => number][] = [
        ['Sigmoid', (value) => 1 / (1 + Math.exp(-value))],
        ['Tanh', Math.tanh],
        ['Exp', Math.exp],
        ['Neg', (value) => -value],
        ['Erf', erf],
      ];
      const angleOps: [string, (value: number) => number][] = [
        ['Sin', Math.sin],
        ['Cos', Math.cos],
      ];
      const bytes = graphModel({
        name: 'unary',
        nodes: [
          ...unaryOps.map(([op]) => node({ opType: op, inputs: ['x'], outputs: [op.toLowerCase()] })),
          ...angleOps.map(([op]) => node({ opType: op, inputs: ['angle'], outputs: [op.toLowerCase()] })),
          node({ opType: 'Mul', inputs: ['x', 'x'], outputs: ['square'] }),
          node({ opType: 'Sqrt', inputs: ['square'], outputs: ['sqrt'] }),
        ],
        inputs: [f32('x', [3, 17]), f32('angle', [3, 17])],
        outputs: [
          ...[...unaryOps, ...angleOps].map(([op]) => f32(op.toLowerCase(), [3, 17])),
          f32('sqrt', [3, 17]),
        ],
      });
      const session = await context.session(bytes);
      const angle = new Tensor({ dtype: 'float32', dims: [3, 17], data: Float32Array.from(angles.data) });
      const outputs = await session.run({ x: x.tensor, angle });
      for (const [op, reference] of unaryOps) {
        await expectClose(op, outputs[op.toLowerCase()], unary(x.reference, reference), {
          absolute: 2e-6,
          relative: 2e-6,
        });
      }
      for (const [op, reference] of angleOps) {
        await expectClose(op, outputs[op.toLowerCase()], unary(angles, reference), {
          absolute: 2 ** -11,
          relative: 0,
        });
      }
      await expectClose('Sqrt', outputs.sqrt, unary(x.reference, Math.abs), {
        absolute: 1e-6,
        relative: 1e-6,
      });
    },
  },
  {
    name: 'Shape ops: Concat, Slice, Gather, Unsqueeze, ReduceMean, Where, Cast',
    ops: ['Concat', 'Slice', 'Gather', 'Unsqueeze', 'ReduceMean', 'Where', 'Cast'],
    async run(context) {
      const a = context.randomTensor([2, 3, 4]);
      const b = context.randomTensor([2, 2, 4]);
      for (const index of [0, 5, 17]) {
        a.tensor.data[index] = 0;
        a.reference.data[index] = 0;
      }
      const bytes = graphModel({
        name: 'shape-ops',
        nodes: [
          node({
            opType: 'Concat',
            inputs: ['a', 'b'],
            outputs: ['concat'],
            attributes: [attribute.int('axis', 1)],
          }),
          node({ opType: 'Slice', inputs: ['concat', 'starts', 'ends', 'axes'], outputs: ['slice'] }),
          node({
            opType: 'Gather',
            inputs: ['a', 'indices'],
            outputs: ['gather'],
            attributes: [attribute.int('axis', 2)],
          }),
          node({ opType: 'Unsqueeze', inputs: ['a', 'unsqueeze_axes'], outputs: ['unsqueeze'] }),
          node({
            opType: 'ReduceMean',
            inputs: ['a'],
            outputs: ['mean'],
            attributes: [attribute.ints('axes', [1]), attribute.int('keepdims', 1)],
          }),
          node({ opType: 'Cast', inputs: ['a'], outputs: ['nonzero'], attributes: [attribute.int('to', 9)] }),
          node({ opType: 'Where', inputs: ['nonzero', 'one', 'minus_one'], outputs: ['where'] }),
        ],
        inputs: [f32('a', [2, 3, 4]), f32('b', [2, 2, 4])],
        outputs: [
          f32('concat', [2, 5, 4]),
          f32('slice', [2, 2, 4]),
          f32('gather', [2, 3, 2]),
          f32('unsqueeze', [2, 1, 3, 4]),
          f32('mean', [2, 1, 4]),
          f32('where', [2, 3, 4]),
        ],
        initializers: [
          int64Initializer('starts', [2]),
          int64Initializer('ends', [4]),
          int64Initializer('axes', [1]),
          int64Initializer('indices', [3, 0]),
          int64Initializer('unsqueeze_axes', [1]),
          floatInitializer('one', referenceArray([], [1])),
          floatInitializer('minus_one', referenceArray([], [-1])),
        ],
      });
      const session = await context.session(bytes);
      const outputs = await session.run({ a: a.tensor, b: b.tensor });
      const concat = new Float64Array(40);
      for (let n = 0; n < 2; n++) {
        concat.set(a.reference.data.subarray(n * 12, n * 12 + 12), n * 20);
        concat.set(b.reference.data.subarray(n * 8, n * 8 + 8), n * 20 + 12);
      }
      await expectClose(
        'Concat',
        outputs.concat,
        { dims: [2, 5, 4], data: concat },
        { absolute: 0, relative: 0 },
      );
      const slice = Float64Array.from(
        { length: 16 },
        (_, index) => concat[Math.floor(index / 8) * 20 + 8 + (index % 8)]!,
      );
      await expectClose(
        'Slice',
        outputs.slice,
        { dims: [2, 2, 4], data: slice },
        { absolute: 0, relative: 0 },
      );
      const gather = Float64Array.from(
        { length: 12 },
        (_, index) => a.reference.data[Math.floor(index / 2) * 4 + (index % 2 === 0 ? 3 : 0)]!,
      );
      await expectClose(
        'Gather',
        outputs.gather,
        { dims: [2, 3, 2], data: gather },
        { absolute: 0, relative: 0 },
      );
      await expectClose(
        'Unsqueeze',
        outputs.unsqueeze,
        { dims: [2, 1, 3, 4], data: a.reference.data },
        { absolute: 0, relative: 0 },
      );
      await expectClose('ReduceMean', outputs.mean, reduceMean(a.reference, 1));
      await expectClose(
        'Cast+Where',
        outputs.where,
        unary(a.reference, (value) => (value !== 0 ? 1 : -1)),
        { absolute: 0, relative: 0 },
      );
    },
  },
];
