import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { createOnnxruntimeWebBackend } from '@mav/backend-onnxruntime-web';
import { attribute, encodeModel, model, node, tensorProto, valueInfo } from '@mav/onnx-proto';
import { type Backend, RandomStream, Tensor } from '@mav/tensor';
import { expect, it } from 'vitest';

/**
 * Speed of the foundation, as ratios against a peer measured in the same run:
 * - seeded normal noise (Philox + deterministic math) against `Math.random` Box–Muller (not reproducible
 *   across engines, the usual shortcut), 10^6 values;
 * - the same four-layer 3×3 conv stack (64 channels, 32×32, batch 16: the shape of a pseudo-3D conv with
 *   16 frames folded into the batch) on onnxruntime-node CPU and on onnxruntime-web WASM inside Node.
 * Run with `pnpm --filter @mav/browser-tests bench`.
 */

function time(action: () => void, repeats: number): number {
  action();
  const started = performance.now();
  for (let index = 0; index < repeats; index++) action();
  return (performance.now() - started) / repeats;
}

function convStack(): Uint8Array {
  const channels = 64;
  const random = new RandomStream({ seed: 1, stream: 0 });
  const nodes = [];
  const initializers = [];
  let input = 'x';
  for (let layer = 0; layer < 4; layer++) {
    const output = layer === 3 ? 'y' : `h${layer}`;
    nodes.push(
      node({
        opType: 'Conv',
        inputs: [input, `w${layer}`, `b${layer}`],
        outputs: [output],
        attributes: [attribute.ints('kernel_shape', [3, 3]), attribute.ints('pads', [1, 1, 1, 1])],
      }),
    );
    initializers.push(
      tensorProto({
        name: `w${layer}`,
        elementType: 'float32',
        dims: [channels, channels, 3, 3],
        data: random.normal(channels * channels * 9).map((value) => value * 0.05),
      }),
      tensorProto({
        name: `b${layer}`,
        elementType: 'float32',
        dims: [channels],
        data: new Float32Array(channels),
      }),
    );
    input = output;
  }
  return encodeModel(
    model({
      graph: {
        name: 'conv-stack',
        node: nodes,
        input: [valueInfo('x', 'float32', [16, channels, 32, 32])],
        output: [valueInfo('y', 'float32', [16, channels, 32, 32])],
        initializer: initializers,
      },
    }),
  );
}

async function timeBackend(
  backend: Backend,
  modelBytes: Uint8Array,
  repeats: number,
): Promise<{ ms: number; output: Float32Array }> {
  const session = await backend.createSession(modelBytes, { label: 'conv-stack' });
  const x = new Tensor({
    dtype: 'float32',
    dims: [16, 64, 32, 32],
    data: new RandomStream({ seed: 2 }).normal(16 * 64 * 32 * 32),
  });
  const first = await session.run({ x });
  const started = performance.now();
  for (let index = 0; index < repeats; index++) await session.run({ x });
  const ms = (performance.now() - started) / repeats;
  await session.release();
  return { ms, output: first.y!.data as Float32Array };
}

it('foundation timings', async () => {
  const count = 1_000_000;
  const philox = time(() => new RandomStream({ seed: 3 }).normal(count), 5);
  const mathRandom = time(() => {
    const out = new Float32Array(count);
    for (let index = 0; index < count; index += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - Math.random()));
      const angle = 2 * Math.PI * Math.random();
      out[index] = radius * Math.cos(angle);
      out[index + 1] = radius * Math.sin(angle);
    }
  }, 5);

  const modelBytes = convStack();
  const nodeCpu = await timeBackend(createOnnxruntimeNodeBackend({ threads: 2 }), modelBytes, 5);
  const webWasm = await timeBackend(
    createOnnxruntimeWebBackend({ executionProvider: 'wasm', threads: 2 }),
    modelBytes,
    5,
  );
  let maxDifference = 0;
  for (let index = 0; index < nodeCpu.output.length; index++) {
    maxDifference = Math.max(maxDifference, Math.abs(nodeCpu.output[index]! - webWasm.output[index]!));
  }

  const lines = [
    `RandomStream.normal(1e6): ${philox.toFixed(1)} ms; Math.random Box-Muller: ${mathRandom.toFixed(1)} ms; ratio ${(philox / mathRandom).toFixed(2)}`,
    `conv stack 4x(64->64, 3x3) on [16, 64, 32, 32]: onnxruntime-node CPU ${nodeCpu.ms.toFixed(1)} ms, onnxruntime-web WASM (Node) ${webWasm.ms.toFixed(1)} ms; ratio web/node ${(webWasm.ms / nodeCpu.ms).toFixed(2)}; max |diff| ${maxDifference.toExponential(2)}`,
  ];
  console.log(lines.join('\n'));
  // The two runtimes compute the same convolutions; a large difference means the comparison is void.
  expect(maxDifference).toBeLessThan(1e-3);
});
