import { readFileSync, readdirSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { buildUNet } from '@mav/p3d-layers';
const [configJson, frames, size, batch] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5] ?? 1)];
const config = JSON.parse(readFileSync(configJson, 'utf8'));
const built = buildUNet({ config, numFrames: frames, height: size, width: size, batch });
const session = await ort.InferenceSession.create(built.modelBytes, { intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: (process.env.LEVEL ?? 'all') as 'all', enableProfiling: !!process.env.PROF, profileFilePrefix: '/tmp/prof/p' });
const feeds: Record<string, ort.Tensor> = {};
for (const input of built.inputs) {
  const n = input.dims.reduce((a: number, b: number) => a * b, 1);
  feeds[input.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => Math.random()), input.dims);
}
await session.run(feeds);
const t0 = performance.now(); await session.run(feeds); console.log('forward ms', (performance.now() - t0).toFixed(0), 'GFLOP', (built.flops / 1e9).toFixed(1));
session.endProfiling();
