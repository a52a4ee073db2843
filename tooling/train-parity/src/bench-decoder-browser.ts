/**
 * The decoder in the browser: the default model's video decoder D^t (one guided step: 2 rows × 16 frames ×
 * 32², as the cascade runs it) on onnxruntime-web WASM (SIMD, 2 threads in a cross-origin-isolated page) in
 * headless Chromium, against the same graph, weights and feeds on onnxruntime-node CPU with the same thread
 * count, in the same run. Prints the median seconds per forward of both sides, their ratio and the largest
 * difference between their outputs; writes `decoder-browser.json` to `--out`. Reported, never asserted; not
 * part of the tests:
 *
 *   pnpm --filter @mav/train-parity bench-browser -- [--model DIR] [--runs 10] [--threads 2] [--out DIR]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { runInBrowser } from '@mav/browser-harness';
import type { ModelManifest } from '@mav/cascade';
import { buildUNet, readSafetensors } from '@mav/p3d-layers';
import { type DecoderFeedSpec, decoderFeeds, timeRuns } from './bench-decoder-feeds.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    model: { type: 'string', default: join(repositoryRoot, 'models/default') },
    runs: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    out: { type: 'string', default: join(repositoryRoot, 'out-bench') },
  },
});
const typedIn = process.env.INIT_CWD ?? process.cwd();
const model = resolve(typedIn, flags.model);
const outFolder = resolve(typedIn, flags.out);
const runs = Number(flags.runs);
const threads = Number(flags.threads);
for (const [name, value] of [
  ['--runs', runs],
  ['--threads', threads],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer.`);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as ModelManifest;
const entry = manifest.stages.decoder;
if (!entry) throw new Error(`${model} has no decoder stage.`);
const weightsFile = join(model, entry.weights[0]!.file);
const { tensors } = readSafetensors(new Uint8Array(readFileSync(weightsFile)), { fileName: weightsFile });
const rows = entry.guidanceScale === 1 ? 1 : 2;
const built = buildUNet({
  config: entry.network,
  weights: tensors,
  batch: rows,
  numFrames: entry.numFrames,
  height: entry.resolution,
  width: entry.resolution,
});
const feeds: DecoderFeedSpec[] = built.inputs.map((input, index) => ({
  name: input.name,
  dims: input.dims.map(Number),
  seed: 100 + index,
  ...(input.name === 'timestep' ? { fill: 500 } : input.name === 'fps' ? { fill: 8 } : {}),
}));

// Node: onnxruntime-node CPU, the cascade's session options for a 32-channel UNet (onnxruntime's defaults).
const node = createOnnxruntimeNodeBackend({ threads });
await node.init();
const session = await node.createSession(built.modelBytes, { label: 'decoder' });
const nodeRun = await timeRuns(session, decoderFeeds(feeds), runs);
await session.release();

// Chromium: onnxruntime-web WASM, the same bytes served next to the page.
const served = mkdtempSync(join(tmpdir(), 'mav-bench-browser-'));
writeFileSync(join(served, 'decoder.onnx'), built.modelBytes);
const onnxruntimeWebDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
try {
  const { value: browser } = await runInBrowser<{
    seconds: number[];
    output: string;
    crossOriginIsolated: boolean;
    hardwareConcurrency: number;
  }>({
    entry: fileURLToPath(new URL('./bench-decoder-browser.browser.ts', import.meta.url)),
    args: { modelUrl: '/model/decoder.onnx', wasmPaths: '/ort/', threads, runs, feeds },
    webgpu: false,
    staticDirs: { '/ort/': onnxruntimeWebDist, '/model/': served },
    timeoutMs: 600_000,
  });
  const browserOutput = new Float32Array(
    Uint8Array.from(atob(browser.output), (c) => c.charCodeAt(0)).buffer,
  );
  let maxDiff = 0;
  for (let index = 0; index < nodeRun.output.length; index++)
    maxDiff = Math.max(maxDiff, Math.abs(browserOutput[index]! - nodeRun.output[index]!));
  const result = {
    model,
    shape: feeds.find((feed) => feed.name === 'sample')?.dims,
    threads,
    runs,
    nodeSecondsMedian: median(nodeRun.seconds),
    wasmSecondsMedian: median(browser.seconds),
    wasmOverNode: median(browser.seconds) / median(nodeRun.seconds),
    maxAbsDiff: maxDiff,
    crossOriginIsolated: browser.crossOriginIsolated,
    hardwareConcurrency: browser.hardwareConcurrency,
    nodeSeconds: nodeRun.seconds,
    wasmSeconds: browser.seconds,
  };
  mkdirSync(outFolder, { recursive: true });
  writeFileSync(join(outFolder, 'decoder-browser.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `decoder ${JSON.stringify(result.shape)}, ${threads} threads, median of ${runs}: ` +
      `onnxruntime-node ${result.nodeSecondsMedian.toFixed(3)} s, Chromium WASM ` +
      `${result.wasmSecondsMedian.toFixed(3)} s (${result.wasmOverNode.toFixed(2)}× Node), ` +
      `max abs diff ${maxDiff.toExponential(2)}, cross-origin isolated: ${browser.crossOriginIsolated}\n`,
  );
} finally {
  rmSync(served, { recursive: true, force: true });
}
