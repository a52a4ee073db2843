import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import type { ModelManifest, StageTensorEvent } from '@mav/cascade';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import { readSafetensors, writeSafetensors } from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runTrainCommand, temporaryFolder, trainFolder } from './python.js';

// A cascade smoke-trained by tooling/train and exported (`mav_train smoke`), run by @mav/cascade on
// onnxruntime-node and by the PyTorch reference pipeline of tooling/train (`mav_train reference`) from the
// noise the TypeScript run drew (written by TypeScript, read by Python), compared after every stage.

const prompt = 'a big red star on a white background';
const seed = 3;
const tolerance = 1e-3;

let folder = '';
let cascadeFolder = '';
let manifest: ModelManifest;

beforeAll(() => {
  requireTorch();
  folder = temporaryFolder('mav-cascade-parity-');
  runTrainCommand(['smoke', '--out', folder, '--steps', '8']);
  cascadeFolder = join(folder, 'cascade');
  // Fewer sampling steps than the export's defaults keep the test fast; the step counts divide T = 1000,
  // where every timestep spacing gives each sampler the same previous timestep.
  manifest = JSON.parse(readFileSync(join(cascadeFolder, 'manifest.json'), 'utf8')) as ModelManifest;
  manifest.stages.prior!.steps = 10;
  for (const stage of [
    'imageDecoder',
    'decoder',
    'interpolation',
    'superResolutionLow',
    'superResolutionHigh',
  ] as const)
    manifest.stages[stage]!.steps = 5;
  writeFileSync(join(cascadeFolder, 'manifest.json'), JSON.stringify(manifest, null, 2));
}, 600_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

type Trace = Map<string, Tensor<'float32'>>;

/** Runs one mode on the exported cascade (optionally with an edited manifest) and records its tensors. */
async function traceRun(
  mode: 'video' | 'image',
  edit: (manifest: ModelManifest) => ModelManifest = (value) => value,
): Promise<Trace> {
  const trace: Trace = new Map();
  const onTensor = (event: StageTensorEvent) => {
    const tensor = event.tensor;
    trace.set(
      `${event.stage}.${event.name}`,
      new Tensor({ dtype: 'float32', dims: tensor.dims, data: tensor.data.slice() }),
    );
  };
  const cascade = await loadCascade({
    manifest: JSON.stringify(edit(structuredClone(manifest))),
    files: createDirectorySource(cascadeFolder),
    backends: { default: createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 1 }) },
  });
  try {
    if (mode === 'video') await cascade.textToVideo({ prompt, seed, onTensor });
    else await cascade.textToImage({ prompt, seed, superResolution: true, onTensor });
  } finally {
    await cascade.dispose();
  }
  return trace;
}

/** The PyTorch reference of the same mode, from the noise in `trace`. */
function referenceRun(mode: 'video' | 'image', trace: Trace): Record<string, Tensor> {
  const tracePath = join(folder, `trace-${mode}.safetensors`);
  const outPath = join(folder, `reference-${mode}.safetensors`);
  writeFileSync(tracePath, writeSafetensors(Object.fromEntries(trace)));
  runTrainCommand([
    'reference',
    '--cascade',
    cascadeFolder,
    '--trace',
    tracePath,
    '--mode',
    mode,
    '--prompt',
    prompt,
    '--out',
    outPath,
  ]);
  return readSafetensors(new Uint8Array(readFileSync(outPath)), { fileName: outPath }).tensors;
}

function maxAbsDifference(actual: Tensor, expected: Tensor): number {
  expect([...actual.dims]).toEqual([...expected.dims]);
  const a = actual.data as Float32Array;
  const b = expected.data as Float32Array;
  let worst = 0;
  for (let index = 0; index < a.length; index++) worst = Math.max(worst, Math.abs(a[index]! - b[index]!));
  return worst;
}

function compareStages(trace: Trace, reference: Record<string, Tensor>, names: string[]) {
  const differences = Object.fromEntries(
    names.map((name) => {
      const actual = trace.get(name);
      const expected = reference[name];
      if (actual === undefined || expected === undefined) throw new Error(`no ${name} on both sides`);
      return [name, maxAbsDifference(actual, expected)];
    }),
  );
  return differences;
}

const videoStages = [
  'textEncoder.embedding',
  'textEncoder.tokens',
  'prior.output',
  'decoder.output',
  'interpolation.output',
  'superResolutionLow.output',
  'superResolutionHigh.output',
];

describe('the exported cascade on @mav/cascade equals the PyTorch reference pipeline, stage by stage', () => {
  let videoTrace: Trace;
  let videoReference: Record<string, Tensor>;

  it('textToVideo: C_x, P, D^t, ↑F, SR_l^t and SR_h within 1e-3', async () => {
    videoTrace = await traceRun('video');
    videoReference = referenceRun('video', videoTrace);
    const differences = compareStages(videoTrace, videoReference, videoStages);
    for (const [name, difference] of Object.entries(differences))
      expect(difference, `${name}: ${JSON.stringify(differences)}`).toBeLessThanOrEqual(tolerance);
    // The stages change what they are given: the comparison is not of constants.
    const video = videoTrace.get('superResolutionHigh.output')!;
    expect(video.dims).toEqual([1, 3, 10, 64, 64]);
    expect(Math.max(...video.data) - Math.min(...video.data)).toBeGreaterThan(0.1);
  }, 600_000);

  it('textToImage through SR_l^t and SR_h within 1e-3', async () => {
    const trace = await traceRun('image');
    const reference = referenceRun('image', trace);
    const names = [
      'textEncoder.embedding',
      'prior.output',
      'imageDecoder.output',
      'superResolutionLow.output',
      'superResolutionHigh.output',
    ];
    const differences = compareStages(trace, reference, names);
    for (const [name, difference] of Object.entries(differences))
      expect(difference, `${name}: ${JSON.stringify(differences)}`).toBeLessThanOrEqual(tolerance);
    expect(trace.get('superResolutionHigh.output')!.dims).toEqual([1, 3, 1, 64, 64]);
  }, 600_000);

  it('fails when the cascade does not scale the embeddings as training did', async () => {
    // Normalised but not scaled by √D: every embedding is √D times too short.
    const unscaled = await traceRun('video', (value) => ({
      ...value,
      embeddings: { normalize: 'l2', scale: 1 },
    }));
    const differences = compareStages(unscaled, videoReference, videoStages);
    const embedding = unscaled.get('textEncoder.embedding')!;
    const width = embedding.dims[embedding.dims.length - 1]!;
    expect(
      maxAbsDifference(
        scaleRows(embedding, () => Math.sqrt(width)),
        videoReference['textEncoder.embedding']!,
      ),
    ).toBeLessThanOrEqual(tolerance);
    // The embeddings (and so everything after them) move far beyond the tolerance.
    expect(differences['textEncoder.embedding']).toBeGreaterThan(100 * tolerance);
    expect(differences['prior.output']).toBeGreaterThan(100 * tolerance);
    expect(differences['decoder.output']).toBeGreaterThan(tolerance);
    // The token states do not pass through the scaling.
    expect(differences['textEncoder.tokens']).toBeLessThanOrEqual(tolerance);
  }, 600_000);

  it("without the manifest's normalisation the embedding is C_x's raw output, √D·x/‖x‖ away from the reference", async () => {
    const raw = await traceRun('image', (value) => ({
      ...value,
      embeddings: { normalize: 'none', scale: 1 },
    }));
    const embedding = raw.get('textEncoder.embedding')!;
    const width = embedding.dims[embedding.dims.length - 1]!;
    const reference = videoReference['textEncoder.embedding']!;
    // Normalising and scaling the raw rows by hand gives the reference: the manifest field is what differs.
    const normalised = scaleRows(embedding, (row) => Math.sqrt(width) / Math.hypot(...row));
    expect(maxAbsDifference(normalised, reference)).toBeLessThanOrEqual(tolerance);
    // How far the raw rows are from the reference depends on the weights (a final layer norm keeps ‖x‖ near
    // √D); they are not the reference itself.
    expect(maxAbsDifference(embedding, reference)).toBeGreaterThan(1e-5);
  }, 600_000);
});

/** Multiplies each row (last axis) of `tensor` by `factor(row)`. */
function scaleRows(tensor: Tensor<'float32'>, factor: (row: number[]) => number): Tensor<'float32'> {
  const width = tensor.dims[tensor.dims.length - 1]!;
  const data = new Float32Array(tensor.data.length);
  for (let start = 0; start < data.length; start += width) {
    const row = Array.from(tensor.data.subarray(start, start + width));
    const scale = factor(row);
    for (let index = 0; index < width; index++) data[start + index] = row[index]! * scale;
  }
  return new Tensor({ dtype: 'float32', dims: tensor.dims, data });
}

describe('the mav CLI on a fresh export', () => {
  const cliFolder = resolve(trainFolder, '../../apps/cli');
  const mav = (args: string[]) =>
    spawnSync(process.execPath, ['--conditions=@mav/source', '--import', 'tsx', 'src/main.ts', ...args], {
      cwd: cliFolder,
      encoding: 'utf8',
      timeout: 300_000,
    });

  it('mav info lists its stages', () => {
    const result = mav(['info', '--model', cascadeFolder]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const stage of ['textEncoder', 'prior', 'decoder', 'interpolation', 'superResolutionHigh'])
      expect(result.stdout).toContain(stage);
  });

  it('mav generate writes the video of the export', () => {
    const output = join(folder, 'cli.mp4');
    const result = mav(['generate', prompt, '--model', cascadeFolder, '--seed', '1', '-q', '-o', output]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const probe = spawnSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-show_entries',
        'stream=width,height,nb_read_frames',
        '-of',
        'csv=p=0',
        output,
      ],
      { encoding: 'utf8' },
    );
    // 4 keyframes, frame skip 3 → 10 frames at the SR_h size
    expect(probe.stdout.trim()).toBe('64,64,10');
  });

  it('mav image writes a PNG from the text-to-image model, with and without super-resolution', () => {
    for (const [flags, size] of [
      [[], 64],
      [['--no-super-resolution'], 16],
    ] as const) {
      const output = join(folder, `cli-${size}.png`);
      const result = mav(['image', prompt, '--model', cascadeFolder, '-q', '-o', output, ...flags]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const image = decode(readFileSync(output));
      expect([image.width, image.height]).toEqual([size, size]);
    }
  });

  it('a model in training (stages missing): info says what is not trained, image works, generate names the stage', () => {
    const partial = join(folder, 'partial');
    cpSync(cascadeFolder, partial, { recursive: true });
    const edited = structuredClone(manifest);
    for (const stage of ['decoder', 'interpolation', 'superResolutionLow', 'superResolutionHigh'] as const)
      delete edited.stages[stage];
    edited.missing = ['decoder', 'interpolation', 'superResolutionLow', 'superResolutionHigh'];
    writeFileSync(join(partial, 'manifest.json'), JSON.stringify(edited, null, 2));
    const info = mav(['info', partial]);
    expect(info.status, info.stderr).toBe(0);
    expect(info.stdout).toContain(
      'not trained yet: decoder, interpolation, superResolutionLow, superResolutionHigh',
    );
    expect(info.stdout).toMatch(/vocabulary \(\d+ words\): .*\bstar\b/);
    const image = mav(['image', prompt, '--model', partial, '-q', '-o', join(folder, 'partial.png')]);
    expect(image.status, image.stderr).toBe(0);
    const video = mav(['generate', prompt, '--model', partial, '-q', '-o', join(folder, 'partial.mp4')]);
    expect(video.status).toBe(3);
    expect(video.stderr).toContain('no decoder stage (the manifest lists it as not trained yet)');
  });
});
