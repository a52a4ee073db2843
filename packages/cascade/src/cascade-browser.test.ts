import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { runInBrowser } from '@mav/browser-harness';
import { describe, expect, it } from 'vitest';
import type { RandomCascadeOptions } from './testing/random-cascade.js';
import {
  base64ToFloat32,
  type ParityCaseOptions,
  type ParityRun,
  runParityCase,
} from './testing-parity-run.js';

const entry = fileURLToPath(new URL('./cascade-browser.browser.ts', import.meta.url));
const onnxruntimeWebDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
const node = createOnnxruntimeNodeBackend({ threads: 2 });
const cascade: RandomCascadeOptions = { seed: 1, preset: 'tiny' };

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}

function standardDeviation(data: Float32Array): number {
  const mean = data.reduce((sum, value) => sum + value, 0) / data.length;
  return Math.sqrt(data.reduce((sum, value) => sum + (value - mean) ** 2, 0) / data.length);
}

async function compare(
  executionProvider: 'wasm' | 'webgpu',
  textToVideo: ParityCaseOptions['textToVideo'],
  expected: { keyframes: number[]; video: number[]; stages: string[] },
) {
  const nodeRun = await runParityCase({ cascade, backend: node, textToVideo });
  const { value: browserRun } = await runInBrowser<ParityRun>({
    entry,
    args: { executionProvider, wasmPaths: '/ort/', cascade, textToVideo },
    webgpu: executionProvider === 'webgpu',
    staticDirs: { '/ort/': onnxruntimeWebDist },
    timeoutMs: 280_000,
  });
  // The page rebuilt byte for byte the same manifest and model files.
  expect(browserRun.modelHashes).toEqual(nodeRun.modelHashes);
  for (const run of [nodeRun, browserRun]) {
    expect(run.keyframes.dims).toEqual(expected.keyframes);
    expect(run.video.dims).toEqual(expected.video);
    expect(run.stages).toEqual(expected.stages);
  }
  expect(browserRun.fps).toBe(nodeRun.fps);
  const keyframes = base64ToFloat32(nodeRun.keyframes.base64);
  const video = base64ToFloat32(nodeRun.video.base64);
  // Not trivially constant: random weights still make a varied video.
  expect(standardDeviation(keyframes)).toBeGreaterThan(0.05);
  expect(standardDeviation(video)).toBeGreaterThan(0.05);
  const keyframeError = maxAbsDiff(base64ToFloat32(browserRun.keyframes.base64), keyframes);
  const videoError = maxAbsDiff(base64ToFloat32(browserRun.video.base64), video);
  console.log(
    `[cascade-browser] ${executionProvider}: keyframes max |Δ| ${keyframeError.toExponential(2)}, video max |Δ| ${videoError.toExponential(2)}; textToVideo ${(browserRun.textToVideoMs / 1000).toFixed(1)} s in Chromium vs ${(nodeRun.textToVideoMs / 1000).toFixed(1)} s in Node`,
  );
  return { keyframeError, videoError };
}

const prompt = 'a red circle bouncing on a blue background';

describe('textToVideo in headless Chromium matches onnxruntime-node (same random cascade, seed, steps)', () => {
  it('WASM: the whole tiny cascade, 16×8² → 76 frames → 16² → 32², keyframes and video within 1e-4', async () => {
    // Same kernels' math in float32 on both sides; only summation order differs (measured ≤ 1e-5). 1e-4
    // leaves room for that through 2 steps of 5 random-weight UNets, and is far below the video's spread.
    const { keyframeError, videoError } = await compare(
      'wasm',
      { prompt, seed: 3 },
      {
        keyframes: [1, 3, 16, 8, 8],
        video: [1, 3, 76, 32, 32],
        stages: [
          'textEncoder',
          'prior',
          'decoder',
          'interpolation',
          'superResolutionLow',
          'superResolutionHigh',
        ],
      },
    );
    expect(keyframeError).toBeLessThanOrEqual(1e-4);
    expect(videoError).toBeLessThanOrEqual(1e-4);
  }, 300_000);

  it('WebGPU (SwiftShader): 4 keyframes → 16 frames → SR_l^t → SR_h, 1 step per stage, within 1e-4', async () => {
    // SwiftShader runs ~100× slower than WASM: 4 keyframes and one step per stage keep this near a minute.
    // The sinusoidal embeddings no longer use Sin/Cos (see p3d-layers), so WebGPU's float math differs from
    // the CPU's only by rounding order (measured 9e-8; 3.4e-6 with the Sin/Cos embeddings). The SR networks
    // (6 input channels: sample + low-res) need the adapter's Conv channel padding: onnxruntime-web 1.30's
    // WebGPU Conv is wrong for 6 input channels.
    const { keyframeError, videoError } = await compare(
      'webgpu',
      {
        prompt,
        seed: 3,
        numFrames: 4,
        stages: {
          prior: { steps: 1 },
          decoder: { steps: 1 },
          interpolation: { steps: 1 },
          superResolutionLow: { steps: 1 },
          superResolutionHigh: { steps: 1 },
        },
      } as ParityCaseOptions['textToVideo'],
      {
        keyframes: [1, 3, 4, 8, 8],
        video: [1, 3, 16, 32, 32],
        stages: [
          'textEncoder',
          'prior',
          'decoder',
          'interpolation',
          'superResolutionLow',
          'superResolutionHigh',
        ],
      },
    );
    expect(keyframeError).toBeLessThanOrEqual(1e-4);
    expect(videoError).toBeLessThanOrEqual(1e-4);
  }, 300_000);
});
