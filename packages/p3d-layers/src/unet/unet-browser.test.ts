import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { nodeBackend } from '../../test/layer-harness.js';
import { maxAbsDiff } from '../testing/reference-layers.js';
import { buildUNet } from './build-unet.js';
import { smallVideoUNetConfig } from './unet-presets.js';

const entry = fileURLToPath(new URL('./unet-webgpu.browser.ts', import.meta.url));
const onnxruntimeWebDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));

interface BrowserRun {
  modelHash: string;
  output: number[];
  runMs: number;
}

describe('the ~2M-parameter pseudo-3D UNet (16×32×32) in headless Chromium', () => {
  it('runs on WebGPU and matches onnxruntime-node CPU within 1e-4', async () => {
    const built = buildUNet({ config: smallVideoUNetConfig });
    const session = await (await nodeBackend()).createSession(built.modelBytes);
    const nodeOutput = (
      await session.run({
        sample: new Tensor({
          dtype: 'float32',
          dims: [1, 3, 16, 32, 32],
          data: new RandomStream({ seed: 11, stream: 1 }).normal(3 * 16 * 32 * 32),
        }),
        timestep: new Tensor({ dtype: 'float32', dims: [1], data: [500] }),
        fps: new Tensor({ dtype: 'float32', dims: [1], data: [4] }),
        conditioning_vector: new Tensor({
          dtype: 'float32',
          dims: [1, 64],
          data: new RandomStream({ seed: 11, stream: 2 }).normal(64),
        }),
      })
    ).model_output!.data as Float32Array;
    await session.release();

    const { value } = await runInBrowser<BrowserRun>({
      entry,
      args: { executionProvider: 'webgpu', wasmPaths: '/ort/' },
      webgpu: true,
      staticDirs: { '/ort/': onnxruntimeWebDist },
      timeoutMs: 240_000,
    });
    // The page built the very same model (same code, same seeded weights).
    expect(value.modelHash).toBe(createHash('sha256').update(built.modelBytes).digest('hex'));
    expect(value.output.length).toBe(nodeOutput.length);
    expect(maxAbsDiff(value.output, nodeOutput)).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...nodeOutput.map(Math.abs))).toBeGreaterThan(0.1);
  }, 300_000);
});
