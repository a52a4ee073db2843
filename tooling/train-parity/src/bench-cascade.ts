/**
 * The cascade benchmark: text-to-video on an exported model folder with @mav/cascade on onnxruntime-node
 * (CPU), and the same UNet stages in PyTorch eager (`mav_train reference`, tooling/train) on the same
 * weights, shapes, step counts and noise, in the same run and with the same thread count. For each UNet
 * stage it prints seconds per step on both sides and their ratio, the GFLOP/s achieved beside a measured
 * peak (a plain 3×3 Conv graph of the stage's base channel count on the same rows and resolution), and the
 * largest difference between the two sides' outputs; then the whole cascade's wall time (median over the
 * runs) and the process's peak RSS. Figures are reported, never asserted. Not part of the tests:
 *
 *   pnpm --filter @mav/train-parity bench -- [--model DIR] [--runs 3] [--threads 2] [--out DIR]
 *
 * `--model` defaults to the repository's default model (models/default); `--out` (default `out-bench/`
 * at the repository root) receives `bench.md` and `bench.json`. `--scaling 4,7,16` (keyframe counts; '' for
 * none) adds one onnxruntime run per count, for how ↑F and the SR stages scale with frames (4, 7 and 16
 * keyframes are 16, 31 and 76 frames after ↑F × 5). `--resolutions 0.5,1,2` (factors of each UNet stage's own
 * size; '' for none) times one forward pass of every UNet stage at its cascade rows and frames (SR_h: one chunk
 * of `frameBatch` frames) at those sizes, the same weights, against the pixel count's growth.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import {
  type ModelManifest,
  type StageProgress,
  type StageTensorEvent,
  unetSessionOptions,
} from '@mav/cascade';
import { loadCascade } from '@mav/cascade/node';
import {
  buildUNet,
  encodeGraph,
  GraphBuilder,
  readSafetensors,
  resolveUNetConfig,
  type UNetConfig,
  unetFlops,
  writeSafetensors,
} from '@mav/p3d-layers';
import { type Backend, RandomStream, type Session, Tensor } from '@mav/tensor';
import { python, requireTorch, temporaryFolder, trainFolder } from './python.js';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const unetStages = ['decoder', 'interpolation', 'superResolutionLow', 'superResolutionHigh'] as const;
type UNetStage = (typeof unetStages)[number];

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string', default: join(repositoryRoot, 'models/default') },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    prompt: { type: 'string', default: 'a red circle on a pale blue background' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: join(repositoryRoot, 'out-bench') },
    scaling: { type: 'string', default: '4,7,16' },
    resolutions: { type: 'string', default: '0.5,1,2' },
  },
});
// Paths are relative to where the command was typed (pnpm runs scripts in the package folder: INIT_CWD).
const typedIn = process.env.INIT_CWD ?? process.cwd();
const model = resolve(typedIn, flags.model);
const outFolder = resolve(typedIn, flags.out);
const runs = Number(flags.runs);
const threads = Number(flags.threads);
const seed = Number(flags.seed);
if (!Number.isInteger(runs) || runs < 1)
  throw new RangeError(`--runs must be a positive integer, got ${flags.runs}.`);
if (!Number.isInteger(threads) || threads < 1)
  throw new RangeError(`--threads must be a positive integer, got ${flags.threads}.`);

/** One stage of one run: wall time from the previous stage's end, and the progress steps it reported. */
interface StageTime {
  stage: string;
  steps: number;
  seconds: number;
}

function stageTimes(events: Array<StageProgress & { at: number }>, start: number): StageTime[] {
  const order: string[] = [];
  const byStage = new Map<string, { last: number; steps: number }>();
  for (const event of events) {
    let entry = byStage.get(event.stage);
    if (entry === undefined) {
      entry = { last: event.at, steps: 0 };
      byStage.set(event.stage, entry);
      order.push(event.stage);
    }
    entry.last = event.at;
    entry.steps = Math.max(entry.steps, event.step);
  }
  let previous = start;
  return order.map((stage) => {
    const entry = byStage.get(stage)!;
    const seconds = (entry.last - previous) / 1000;
    previous = entry.last;
    return { stage, steps: entry.steps, seconds };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Trace = Map<string, Tensor<'float32'>>;

async function runCascade(
  backend: Backend,
  trace: Trace | undefined,
  numFrames?: number,
): Promise<{ stages: StageTime[]; seconds: number }> {
  const cascade = await loadCascade({
    manifest: readFileSync(join(model, 'manifest.json'), 'utf8'),
    files: model,
    backends: { default: backend },
  });
  const events: Array<StageProgress & { at: number }> = [];
  const start = performance.now();
  try {
    await cascade.textToVideo({
      prompt: flags.prompt,
      seed,
      ...(numFrames === undefined ? {} : { numFrames }),
      onProgress: (event) => events.push({ ...event, at: performance.now() }),
      ...(trace
        ? {
            onTensor: (event: StageTensorEvent) => {
              const tensor = event.tensor;
              trace.set(
                `${event.stage}.${event.name}`,
                new Tensor({ dtype: 'float32', dims: tensor.dims, data: tensor.data.slice() }),
              );
            },
          }
        : {}),
    });
  } finally {
    await cascade.dispose();
  }
  return { stages: stageTimes(events, start), seconds: (performance.now() - start) / 1000 };
}

/** GFLOP/s of a plain 3×3 Conv, `channels` → `channels`, on `[rows c h w]` (5 timed runs after one). */
async function convPeak(backend: Backend, rows: number, channels: number, height: number, width: number) {
  const graph = new GraphBuilder({ dtype: 'float32', name: 'conv-peak' });
  const x = graph.input('x', 'float32', [rows, channels, height, width]);
  const weight = graph.constant(new RandomStream({ seed: 1 }).normal(channels * channels * 9), [
    channels,
    channels,
    3,
    3,
  ]);
  const bias = graph.constant(new Float32Array(channels), [channels]);
  graph.output(graph.conv(x, weight, bias, { pads: [1, 1, 1, 1] }), 'y');
  const session = await backend.createSession(encodeGraph(graph, { weights: {} }).modelBytes);
  const feeds = {
    x: new Tensor({
      dtype: 'float32',
      dims: [rows, channels, height, width],
      data: new RandomStream({ seed: 2 }).normal(rows * channels * height * width),
    }),
  };
  const times = await timedRuns(session, feeds, 5);
  const seconds = times.reduce((sum, value) => sum + value, 0) / times.length;
  return (graph.flops / seconds) * 1e-9;
}

/** Seconds of each of `repeats` runs of `session` after one warm-up run; the session is released after. */
async function timedRuns(
  session: Session,
  feeds: Record<string, Tensor>,
  repeats: number,
): Promise<number[]> {
  try {
    await session.run(feeds);
    const times: number[] = [];
    for (let index = 0; index < repeats; index++) {
      const started = performance.now();
      await session.run(feeds);
      times.push((performance.now() - started) / 1000);
    }
    return times;
  } finally {
    await session.release();
  }
}

/** A stage's rows, frames and side in the cascade's default run (`shape` as the reference timed it). */
interface StageShape {
  rows: number;
  frames: number;
  side: number;
}

/** Seconds of one forward pass of `config` (median of 3 after one warm-up) at `rows × frames × side²`. */
async function forwardSeconds(
  backend: Backend,
  config: UNetConfig,
  weights: Record<string, Tensor<'float32'>>,
  shape: StageShape,
): Promise<number> {
  const built = buildUNet({
    config,
    weights,
    batch: shape.rows,
    numFrames: shape.frames,
    height: shape.side,
    width: shape.side,
  });
  const session = await backend.createSession(built.modelBytes, unetSessionOptions(config));
  const random = new RandomStream({ seed: 3 });
  const feeds = Object.fromEntries(
    built.inputs.map((input) => {
      const size = input.dims.reduce((product, dim) => product * dim, 1);
      const tensor =
        input.dtype === 'int64'
          ? new Tensor({ dtype: 'int64', dims: input.dims, data: new BigInt64Array(size).fill(20n) })
          : new Tensor({ dtype: 'float32', dims: input.dims, data: random.normal(size) });
      return [input.name, tensor];
    }),
  );
  return median(await timedRuns(session, feeds, 3));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let index = 0; index < a.length; index++) max = Math.max(max, Math.abs(a[index]! - b[index]!));
  return max;
}

interface PythonTimings {
  threads: number;
  torch: string;
  stages: Partial<
    Record<UNetStage, { steps: number; rows: number; seconds: number; shape: number[]; chunkRows?: number }>
  >;
}

async function main(): Promise<void> {
  requireTorch();
  const manifest = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as ModelManifest;
  const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads });
  await backend.init();
  const trace: Trace = new Map();
  const ortRuns: Array<{ stages: StageTime[]; seconds: number }> = [];
  for (let run = 0; run < runs; run++) {
    const result = await runCascade(backend, run === 0 ? trace : undefined);
    ortRuns.push(result);
    console.error(`onnxruntime run ${run + 1}/${runs}: ${result.seconds.toFixed(1)} s`);
  }
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const scaling: Array<{ keyframes: number; frames: number; stages: StageTime[]; seconds: number }> = [];
  for (const keyframes of (flags.scaling ?? '').split(',').filter(Boolean).map(Number)) {
    const result = await runCascade(backend, undefined, keyframes);
    const skip = (manifest.stages.interpolation as { frameSkip?: number } | undefined)?.frameSkip ?? 1;
    scaling.push({ keyframes, frames: (keyframes - 1) * skip + 1, ...result });
    console.error(`onnxruntime run with ${keyframes} keyframes: ${result.seconds.toFixed(1)} s`);
  }

  // PyTorch eager on the same noise, weights and shapes.
  const folder = temporaryFolder('mav-bench-');
  const tracePath = join(folder, 'trace.safetensors');
  const referencePath = join(folder, 'reference.safetensors');
  const timingsPath = join(folder, 'timings.json');
  writeFileSync(tracePath, writeSafetensors(Object.fromEntries(trace)));
  const pythonStart = performance.now();
  const reference = spawnSync(
    python,
    [
      '-m',
      'mav_train',
      'reference',
      '--cascade',
      model,
      '--trace',
      tracePath,
      '--mode',
      'video',
      '--prompt',
      flags.prompt,
      '--out',
      referencePath,
      '--timings',
      timingsPath,
    ],
    {
      cwd: trainFolder,
      encoding: 'utf8',
      env: { ...process.env, MAV_TORCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (reference.status !== 0) throw new Error(`mav_train reference failed:\n${reference.stderr}`);
  const pythonSeconds = (performance.now() - pythonStart) / 1000;
  const pythonTimings = JSON.parse(readFileSync(timingsPath, 'utf8')) as PythonTimings;
  const referenceTensors = readSafetensors(readFileSync(referencePath), { fileName: referencePath }).tensors;

  const rows: Array<Record<string, unknown>> = [];
  for (const stage of unetStages) {
    const torchTiming = pythonTimings.stages[stage];
    const entry = manifest.stages[stage] as { network: UNetConfig } | undefined;
    if (torchTiming === undefined || entry === undefined) continue;
    // Per step: the stage's wall time (session set-up included; SR_h: all its chunks) over its steps.
    const stageSeconds = median(
      ortRuns.map((run) => run.stages.find((time) => time.stage === stage)?.seconds ?? Number.NaN),
    );
    const perStep = stageSeconds / torchTiming.steps;
    const [batch, , frames, height, width] = torchTiming.shape as [number, number, number, number, number];
    const config = resolveUNetConfig(entry.network);
    const flops = unetFlops(config, { batch, numFrames: frames, height, width });
    const torchPerStep = torchTiming.seconds / torchTiming.steps;
    const peak = await convPeak(backend, batch * frames, config.baseChannels, height, width);
    const ours = trace.get(`${stage}.output`);
    const theirs = referenceTensors[`${stage}.output`];
    rows.push({
      stage,
      steps: torchTiming.steps,
      shape: torchTiming.shape,
      onnxruntimeSecondsPerStep: perStep,
      onnxruntimeStageSeconds: stageSeconds,
      pytorchSecondsPerStep: torchPerStep,
      ratio: perStep / torchPerStep,
      gflopPerStep: flops * 1e-9,
      onnxruntimeGflops: (flops * 1e-9) / perStep,
      pytorchGflops: (flops * 1e-9) / torchPerStep,
      convPeakGflops: peak,
      maxAbsDiff: ours && theirs ? maxAbsDiff(ours.data, theirs.data as Float32Array) : undefined,
    });
  }
  // Scaling with resolution: one forward pass per stage at each factor of its own size.
  const factors = (flags.resolutions ?? '').split(',').filter(Boolean).map(Number);
  const resolutionScaling: Array<{
    stage: UNetStage;
    rows: number;
    frames: number;
    sides: number[];
    seconds: number[];
  }> = [];
  for (const stage of factors.length === 0 ? [] : unetStages) {
    const torchTiming = pythonTimings.stages[stage];
    const entry = manifest.stages[stage] as
      | { network: UNetConfig; weights: Array<{ file: string }>; frameBatch?: number }
      | undefined;
    if (torchTiming === undefined || entry === undefined) continue;
    const weights: Record<string, Tensor<'float32'>> = {};
    for (const file of entry.weights) {
      const path = join(model, file.file);
      Object.assign(weights, readSafetensors(readFileSync(path), { fileName: path }).tensors);
    }
    const [batch, , frames, height] = torchTiming.shape as [number, number, number, number, number];
    const rows = Math.min(entry.frameBatch ?? batch, batch);
    const sides = factors.map((factor) => Math.round((height * factor) / 4) * 4);
    const seconds: number[] = [];
    for (const side of sides)
      seconds.push(await forwardSeconds(backend, entry.network, weights, { rows, frames, side }));
    resolutionScaling.push({ stage, rows, frames, sides, seconds });
    console.error(`resolution scaling of ${stage}: ${seconds.map((value) => value.toFixed(3)).join(', ')} s`);
  }
  const totals = ortRuns.map((run) => run.seconds);
  const summary = {
    model,
    prompt: flags.prompt,
    seed,
    threads,
    runs,
    pytorch: pythonTimings.torch,
    onnxruntimeCascadeSeconds: { median: median(totals), all: totals },
    onnxruntimeStages: ortRuns.map((run) => run.stages),
    pytorchUNetSeconds: Object.values(pythonTimings.stages).reduce((sum, t) => sum + (t?.seconds ?? 0), 0),
    pytorchProcessSeconds: pythonSeconds,
    peakRssBytes,
    unetStages: rows,
    scaling,
    resolutionScaling,
  };
  const table = [
    `Model ${model}, prompt "${flags.prompt}", seed ${seed}, ${threads} threads, ${runs} run(s); PyTorch ${pythonTimings.torch} eager.`,
    '',
    '| stage | steps | shape | ORT s/step | PyTorch s/step | ORT / PyTorch | GFLOP/step | ORT GFLOP/s | PyTorch GFLOP/s | conv peak GFLOP/s | max abs diff |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.stage} | ${row.steps} | [${(row.shape as number[]).join(' ')}] | ${(row.onnxruntimeSecondsPerStep as number).toFixed(3)} | ${(row.pytorchSecondsPerStep as number).toFixed(3)} | ${(row.ratio as number).toFixed(2)} | ${(row.gflopPerStep as number).toFixed(1)} | ${(row.onnxruntimeGflops as number).toFixed(0)} | ${(row.pytorchGflops as number).toFixed(0)} | ${(row.convPeakGflops as number).toFixed(0)} | ${row.maxAbsDiff === undefined ? '' : (row.maxAbsDiff as number).toExponential(1)} |`,
    ),
    '',
    `Whole cascade on onnxruntime-node: median ${median(totals).toFixed(1)} s (runs: ${totals.map((t) => t.toFixed(1)).join(', ')} s); PyTorch UNet loops ${summary.pytorchUNetSeconds.toFixed(1)} s.`,
    `Peak RSS of the onnxruntime process: ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB.`,
    '',
    '| stage (onnxruntime, median) | steps | seconds |',
    '|---|---|---|',
    ...ortRuns[0]!.stages.map(
      (time) =>
        `| ${time.stage} | ${time.steps} | ${median(
          ortRuns.map((run) => run.stages.find((other) => other.stage === time.stage)?.seconds ?? Number.NaN),
        ).toFixed(2)} |`,
    ),
    ...(scaling.length === 0
      ? []
      : [
          '',
          `Scaling with frames (onnxruntime, one run each; seconds per stage): ${scaling.map((entry) => `${entry.keyframes} keyframes → ${entry.frames} frames`).join(', ')}.`,
          '',
          `| stage | ${scaling.map((entry) => `${entry.frames} frames`).join(' | ')} | ${scaling.at(-1)!.frames} / ${scaling[0]!.frames} |`,
          `|---|${scaling.map(() => '---|').join('')}---|`,
          ...scaling[0]!.stages.map((time) => {
            const seconds = scaling.map(
              (entry) => entry.stages.find((other) => other.stage === time.stage)?.seconds ?? Number.NaN,
            );
            return `| ${time.stage} | ${seconds.map((value) => value.toFixed(2)).join(' | ')} | ${(seconds.at(-1)! / seconds[0]!).toFixed(2)} |`;
          }),
        ]),
    ...(resolutionScaling.length === 0
      ? []
      : [
          '',
          'Scaling with resolution (onnxruntime, one forward pass, median of 3; the ratio beside the pixel ratio):',
          '',
          `| stage | rows × frames | ${factors.map((factor) => `× ${factor}`).join(' | ')} | last / first (pixels) |`,
          `|---|---|${factors.map(() => '---|').join('')}---|`,
          ...resolutionScaling.map(
            (entry) =>
              `| ${entry.stage} | ${entry.rows} × ${entry.frames} | ${entry.sides.map((side, index) => `${side}²: ${entry.seconds[index]!.toFixed(3)} s`).join(' | ')} | ${(entry.seconds.at(-1)! / entry.seconds[0]!).toFixed(2)} (${((entry.sides.at(-1)! / entry.sides[0]!) ** 2).toFixed(0)}) |`,
          ),
        ]),
  ].join('\n');
  mkdirSync(outFolder, { recursive: true });
  writeFileSync(join(outFolder, 'bench.md'), `${table}\n`);
  writeFileSync(join(outFolder, 'bench.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(table);
}

await main();
