import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { RandomStream, Tensor } from '@mav/tensor';
import { expect, it } from 'vitest';
import { maxAbsDiff } from '../src/testing/reference-layers.js';
import { buildUNet, unetFlops } from '../src/unet/build-unet.js';
import { smallVideoUNetConfig } from '../src/unet/unet-presets.js';
import { nodeBackend } from '../test/layer-harness.js';

/**
 * Times one forward pass of the ~2M-parameter pseudo-3D UNet (16×32×32, batch 1) on onnxruntime-node CPU
 * (float32 and float16) and on onnxruntime-web WebGPU in headless Chromium, and prints the figures and their
 * ratios. Run with `pnpm --filter @mav/p3d-layers bench`.
 */
it('UNet forward timings', async () => {
  const feeds = (dtype: 'float32' | 'float16') => {
    const sample = new RandomStream({ seed: 11, stream: 1 }).normal(3 * 16 * 32 * 32);
    const vector = new RandomStream({ seed: 11, stream: 2 }).normal(64);
    return {
      sample:
        dtype === 'float32'
          ? new Tensor({ dtype, dims: [1, 3, 16, 32, 32], data: sample })
          : new Tensor({ dtype, dims: [1, 3, 16, 32, 32], data: [...sample] }),
      timestep: new Tensor({ dtype: 'float32', dims: [1], data: [500] }),
      fps: new Tensor({ dtype: 'float32', dims: [1], data: [4] }),
      conditioning_vector:
        dtype === 'float32'
          ? new Tensor({ dtype, dims: [1, 64], data: vector })
          : new Tensor({ dtype, dims: [1, 64], data: [...vector] }),
    };
  };
  const lines: string[] = [];
  const timings: Record<string, number> = {};
  let nodeOutput: Float32Array | undefined;
  for (const dtype of ['float32', 'float16'] as const) {
    const built = buildUNet({ config: smallVideoUNetConfig, dtype });
    const session = await (await nodeBackend()).createSession(built.modelBytes);
    const output = await session.run(feeds(dtype)); // warm-up
    if (dtype === 'float32') nodeOutput = output.model_output!.data as Float32Array;
    const runs = 5;
    const started = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds(dtype));
    timings[`node-cpu-${dtype}`] = (performance.now() - started) / runs;
    await session.release();
    lines.push(
      `onnxruntime-node CPU ${dtype}: ${timings[`node-cpu-${dtype}`]!.toFixed(0)} ms/forward (${built.parameterCount} params)`,
    );
  }
  for (const executionProvider of ['wasm', 'webgpu'] as const) {
    const { value } = await runInBrowser<{ output: number[]; runMs: number }>({
      entry: fileURLToPath(new URL('../src/unet/unet-webgpu.browser.ts', import.meta.url)),
      args: { executionProvider, wasmPaths: '/ort/' },
      webgpu: executionProvider === 'webgpu',
      staticDirs: { '/ort/': dirname(createRequire(import.meta.url).resolve('onnxruntime-web')) },
      timeoutMs: 540_000,
    });
    timings[`chromium-${executionProvider}`] = value.runMs;
    lines.push(
      `onnxruntime-web ${executionProvider} (Chromium): ${value.runMs.toFixed(0)} ms/forward (first run), max |diff| vs node CPU ${maxAbsDiff(value.output, nodeOutput!).toExponential(2)}`,
    );
  }
  const flops = unetFlops(smallVideoUNetConfig, { numFrames: 16, height: 32, width: 32 });
  lines.push(`FLOPs/forward: ${(flops / 1e9).toFixed(2)} G`);
  lines.push(
    `ratio fp16/fp32 on node CPU: ${(timings['node-cpu-float16']! / timings['node-cpu-float32']!).toFixed(2)}`,
  );
  lines.push(
    `ratio webgpu(SwiftShader)/node CPU fp32: ${(timings['chromium-webgpu']! / timings['node-cpu-float32']!).toFixed(1)}`,
  );
  lines.push(
    `ratio wasm/node CPU fp32: ${(timings['chromium-wasm']! / timings['node-cpu-float32']!).toFixed(1)}`,
  );
  console.log(lines.join('\n'));
  expect(lines.length).toBeGreaterThan(0);
}, 600_000);
