import { littleEndianBytes, node, onnxDataType } from '@mav/onnx-proto';
import { AbortError, DisposedError, ModelLoadError, SessionInputError } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { ConformanceCase } from './conformance-case.js';
import {
  type ConformanceContext,
  check,
  expectClose,
  expectThrows,
  f32,
  graphModel,
} from './conformance-context.js';
import { binary, matMul, unary } from './reference-math.js';

/** A model with inputs x [2, 3] (float32) and s [1] (float32), outputs sum = x + s and twice = 2x. */
function twoOutputModel(): Uint8Array {
  return graphModel({
    name: 'two-outputs',
    nodes: [
      node({ opType: 'Add', inputs: ['x', 's'], outputs: ['sum'] }),
      node({ opType: 'Add', inputs: ['x', 'x'], outputs: ['twice'] }),
    ],
    inputs: [f32('x', [2, 3]), f32('s', [1])],
    outputs: [f32('sum', [2, 3]), f32('twice', [2, 3])],
  });
}

async function twoOutputSession(context: ConformanceContext) {
  const session = await context.session(twoOutputModel(), { label: 'two-outputs' });
  const x = context.randomTensor([2, 3]);
  const s = context.randomTensor([1]);
  return { session, x, s };
}

/** The behaviour every adapter must share beyond numerics: errors, fetches, release, abort. */
export const contractCases: readonly ConformanceCase[] = [
  {
    name: 'session reports input and output names and metadata',
    ops: ['Add'],
    async run(context) {
      const { session } = await twoOutputSession(context);
      check(
        session.inputNames.join() === 'x,s',
        `inputNames are [${session.inputNames.join(', ')}], expected [x, s].`,
      );
      check(
        session.outputNames.join() === 'sum,twice',
        `outputNames are [${session.outputNames.join(', ')}], expected [sum, twice].`,
      );
      const x = session.inputMetadata.find((value) => value.name === 'x');
      check(x?.dtype === 'float32', `inputMetadata of x has dtype ${String(x?.dtype)}, expected float32.`);
      check(
        x?.dims?.join() === '2,3',
        `inputMetadata of x has dims [${x?.dims?.join(', ')}], expected [2, 3].`,
      );
    },
  },
  {
    name: 'fetches select outputs',
    ops: ['Add'],
    async run(context) {
      const { session, x, s } = await twoOutputSession(context);
      const outputs = await session.run({ x: x.tensor, s: s.tensor }, { fetches: ['twice'] });
      check(
        Object.keys(outputs).join() === 'twice',
        `fetching [twice] returned [${Object.keys(outputs).join(', ')}].`,
      );
      await expectClose(
        'twice',
        outputs.twice,
        unary(x.reference, (value) => 2 * value),
      );
      const all = await session.run({ x: x.tensor, s: s.tensor });
      check(
        Object.keys(all).sort().join() === 'sum,twice',
        `fetching all returned [${Object.keys(all).join(', ')}].`,
      );
      await expectClose(
        'sum',
        all.sum,
        binary(x.reference, s.reference, (a, b) => a + b),
      );
    },
  },
  {
    name: 'wrong feeds give SessionInputError naming the input',
    ops: ['Add'],
    async run(context) {
      const { session, x, s } = await twoOutputSession(context);
      const isInputError = (name: string | undefined) => (error: unknown) =>
        SessionInputError.isInstance(error) && (name === undefined || error.inputName === name);
      await expectThrows(
        'missing input s',
        () => session.run({ x: x.tensor }),
        isInputError('s'),
        'SessionInputError for s',
      );
      await expectThrows(
        'unknown input y',
        () => session.run({ x: x.tensor, s: s.tensor, y: s.tensor }),
        isInputError('y'),
        'SessionInputError for y',
      );
      const wrongDtype = new Tensor({ dtype: 'int32', dims: [2, 3] });
      await expectThrows(
        'int32 for float32 x',
        () => session.run({ x: wrongDtype, s: s.tensor }),
        isInputError('x'),
        'SessionInputError for x',
      );
      const wrongShape = new Tensor({ dtype: 'float32', dims: [3, 2] });
      const error = await expectThrows(
        'shape [3, 2] for x',
        () => session.run({ x: wrongShape, s: s.tensor }),
        isInputError('x'),
        'SessionInputError for x',
      );
      check(
        error instanceof Error && error.message.includes('[2, 3]') && error.message.includes('[3, 2]'),
        `the shape error should give expected and actual shapes, got: ${String(error instanceof Error ? error.message : error)}`,
      );
      await expectThrows(
        'unknown fetch',
        () => session.run({ x: x.tensor, s: s.tensor }, { fetches: ['nope'] }),
        isInputError(undefined),
        'SessionInputError for an unknown fetch',
      );
    },
  },
  {
    name: 'weights from an external-data file',
    ops: ['MatMul'],
    async run(context) {
      // y = x · W with W stored outside the model, as for models over protobuf's 2 GB limit.
      const x = context.randomTensor([2, 4]);
      const w = context.randomTensor([4, 3]);
      const bytes = littleEndianBytes(Float32Array.from(w.reference.data));
      const file = new Uint8Array(16 + bytes.length);
      file.set(bytes, 16);
      const modelBytes = graphModel({
        name: 'external-data',
        nodes: [node({ opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] })],
        inputs: [f32('x', [2, 4])],
        outputs: [f32('y', [2, 3])],
        initializers: [
          {
            name: 'w',
            dataType: onnxDataType('float32'),
            dims: [4, 3],
            dataLocation: 1,
            externalData: [
              { key: 'location', value: 'weights.bin' },
              { key: 'offset', value: '16' },
              { key: 'length', value: String(bytes.length) },
            ],
          },
        ],
      });
      const session = await context.session(modelBytes, {
        externalData: [{ path: 'weights.bin', data: file }],
      });
      const { y } = await session.run({ x: x.tensor });
      await expectClose('external-data MatMul', y, matMul(x.reference, w.reference));
    },
  },
  {
    name: 'corrupt model bytes give ModelLoadError',
    ops: [],
    async run(context) {
      const valid = twoOutputModel();
      const truncated = valid.slice(0, Math.floor(valid.length / 2));
      await expectThrows(
        'truncated model',
        () => context.session(truncated),
        ModelLoadError.isInstance,
        'ModelLoadError',
      );
      await expectThrows(
        'random bytes',
        () => context.session(Uint8Array.from([1, 2, 3, 4, 255, 0, 9])),
        ModelLoadError.isInstance,
        'ModelLoadError',
      );
    },
  },
  {
    name: 'release and dispose',
    ops: ['Add'],
    async run(context) {
      const session = await context.backend.createSession(twoOutputModel());
      const x = context.randomTensor([2, 3]);
      const s = context.randomTensor([1]);
      const { sum } = await session.run({ x: x.tensor, s: s.tensor }, { fetches: ['sum'] });
      check(sum !== undefined && !sum.disposed, 'output should be live after the run.');
      sum.dispose();
      check(sum.disposed, 'output should report disposed after dispose().');
      await expectThrows(
        'reading a disposed output',
        () => sum.getData(),
        DisposedError.isInstance,
        'DisposedError',
      );
      sum.dispose();
      await session.release();
      await session.release();
      await expectThrows(
        'run after release',
        () => session.run({ x: x.tensor, s: s.tensor }),
        DisposedError.isInstance,
        'DisposedError',
      );
      x.tensor.dispose();
      const other = await context.session(twoOutputModel());
      await expectThrows(
        'feeding a disposed tensor',
        () => other.run({ x: x.tensor, s: s.tensor }),
        SessionInputError.isInstance,
        'SessionInputError',
      );
    },
  },
  {
    name: 'an aborted signal stops the run with AbortError',
    ops: ['Add'],
    async run(context) {
      const { session, x, s } = await twoOutputSession(context);
      const controller = new AbortController();
      controller.abort(new Error('user stopped'));
      await expectThrows(
        'aborted run',
        () => session.run({ x: x.tensor, s: s.tensor }, { signal: controller.signal }),
        AbortError.isInstance,
        'AbortError',
      );
      const outputs = await session.run(
        { x: x.tensor, s: s.tensor },
        { signal: new AbortController().signal },
      );
      await expectClose(
        'run with a live signal',
        outputs.twice,
        unary(x.reference, (value) => 2 * value),
      );
    },
  },
  {
    name: 'concurrent runs on one session each get their own results',
    ops: ['Add'],
    async run(context) {
      const { session, s } = await twoOutputSession(context);
      const inputs = [0, 1, 2, 3].map(() => context.randomTensor([2, 3]));
      const results = await Promise.all(
        inputs.map((x) => session.run({ x: x.tensor, s: s.tensor }, { fetches: ['sum'] })),
      );
      for (const [index, result] of results.entries()) {
        await expectClose(
          `concurrent run ${index}`,
          result.sum,
          binary(inputs[index]!.reference, s.reference, (a, b) => a + b),
        );
      }
    },
  },
  {
    name: 'outputs kept on the device feed the next run without a host copy',
    ops: ['Add'],
    needsDeviceOutputs: true,
    async run(context) {
      const session = await context.session(twoOutputModel(), {
        preferredOutputLocation: 'gpu-buffer',
        label: 'device',
      });
      const x = context.randomTensor([2, 3]);
      const s = context.randomTensor([1]);
      const first = await session.run({ x: x.tensor, s: s.tensor });
      check(
        first.twice?.location === 'gpu-buffer',
        `output location is ${first.twice?.location}, expected gpu-buffer.`,
      );
      const twice = unary(x.reference, (value) => 2 * value);
      // Feed the device output back: x2 = 2·(2x) stays on the GPU between runs.
      const second = await session.run({ x: first.twice!, s: s.tensor }, { keepOnDevice: [] });
      check(
        second.twice?.location === 'cpu',
        `keepOnDevice: [] should download outputs, got ${second.twice?.location}.`,
      );
      await expectClose(
        'device round trip',
        second.twice,
        unary(twice, (value) => 2 * value),
      );
      await expectClose('device output read back', first.twice, twice);
      first.twice!.dispose();
      first.sum!.dispose();
      await expectThrows(
        'reading a disposed device tensor',
        () => first.twice!.getData(),
        DisposedError.isInstance,
        'DisposedError',
      );
    },
  },
];
