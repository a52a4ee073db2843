import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { createMemorySource, loadCascade, type StageDescription } from '@mav/cascade';
import { createRandomCascade } from '@mav/cascade/testing';
import { encodePng } from '@mav/video-io';
import { beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { randomModelSeed } from '../src/load-model.js';
import { randomWeightsNotice } from '../src/model-source.js';
import { runInProcess } from './cli-helpers.js';
import { writeModelFolder } from './model-folder.js';
import { probeVideo } from './probe.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-generate-'));
const noDefaultModel = join(cwd, 'no-default-model', 'manifest.json');
/** The stages of the random tiny cascade (seed as the CLI uses it), from its own description. */
let stages: StageDescription[];
let modelDirectory: string;

function stage(name: string): StageDescription {
  return stages.find((candidate) => candidate.name === name)!;
}

function writeImage(name: string, rgb: [number, number, number]): string {
  const size = 20;
  const data = new Uint8Array(size * size * 3);
  for (let pixel = 0; pixel < size * size; pixel++) data.set(rgb, pixel * 3);
  writeFileSync(join(cwd, name), encodePng({ width: size, height: size, data }));
  return name;
}

const fast = ['--steps', '1', '--seed', '3'];

beforeAll(async () => {
  const model = await createRandomCascade({ seed: randomModelSeed, preset: 'tiny' });
  const cascade = await loadCascade({
    manifest: model.manifest,
    files: createMemorySource(model.files),
    backends: { default: createOnnxruntimeNodeBackend() },
  });
  stages = cascade.describe().stages;
  await cascade.dispose();
  // The same model as a folder, for --model.
  modelDirectory = join(cwd, 'tiny-model');
  await writeModelFolder(modelDirectory);
});

describe('mav generate', () => {
  it('falls back to the random tiny cascade with a one-line notice and writes an MP4 ffprobe reads', async () => {
    const run = await runInProcess(
      ['generate', 'a red circle bouncing on a blue background', '-o', 'clip.mp4', ...fast],
      {
        cwd,
        defaultManifestPath: noDefaultModel,
      },
    );
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    expect(run.stderr.split('\n').filter((line) => line === randomWeightsNotice)).toHaveLength(1);
    const last = stage('superResolutionHigh');
    expect(probeVideo(join(cwd, 'clip.mp4'))).toMatchObject({
      frames: last.frames,
      width: last.resolution,
      height: last.resolution,
      codec: 'h264',
    });
    expect(run.stdout).toBe(
      `wrote clip.mp4: ${last.frames} frames, ${last.resolution}x${last.resolution}, 20 fps (seed 3)\n`,
    );
    // One line per step in non-terminal mode, every stage up to its last step.
    for (const name of [
      'textEncoder',
      'prior',
      'decoder',
      'interpolation',
      'superResolutionLow',
      'superResolutionHigh',
    ]) {
      expect(run.stderr).toMatch(new RegExp(`^${name} 1/1 `, 'm'));
    }
  });

  it('uses a model folder, picks the format from the extension, and is quiet with -q', async () => {
    const run = await runInProcess(
      ['generate', 'a blue square', '-o', 'clip.gif', '--model', 'tiny-model', '-q', ...fast],
      { cwd, defaultManifestPath: noDefaultModel },
    );
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
    const last = stage('superResolutionHigh');
    expect(probeVideo(join(cwd, 'clip.gif'))).toMatchObject({ frames: last.frames, codec: 'gif' });
  });

  it('--size stops at the first stage that reaches it and resizes to the exact size; --frames and --fps', async () => {
    const low = stage('superResolutionLow').resolution;
    const run = await runInProcess(
      [
        'generate',
        'a ball',
        '-o',
        'small.webm',
        '--size',
        `${low - 2}x${low}`,
        '--frames',
        '3',
        '--fps',
        '6',
        ...fast,
      ],
      { cwd, defaultManifestPath: noDefaultModel },
    );
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    // Three keyframes, frame skip 5: (3 - 1) * 5 + 1 frames; the last stage that ran is SR_l.
    expect(probeVideo(join(cwd, 'small.webm'))).toMatchObject({
      frames: 11,
      width: low - 2,
      height: low,
      codec: 'vp9',
    });
    expect(run.stderr).toMatch(/^superResolutionLow 1\/1/m);
    expect(run.stderr).not.toMatch(/^superResolutionHigh/m);
    expect(run.stdout).toMatch(/: 11 frames, 14x16, 30 fps/);
  });
});

describe('the other modes', () => {
  it('animate, interpolate and extrapolate write videos of the expected length', async () => {
    const red = writeImage('red.png', [220, 20, 20]);
    const blue = writeImage('blue.png', [20, 20, 220]);
    const common = [...fast, '--frames', '3', '--size', '8', '-q'];
    const animate = await runInProcess(
      ['animate', red, '-o', 'animated.mp4', '-p', 'a red ball', ...common],
      {
        cwd,
        defaultManifestPath: noDefaultModel,
      },
    );
    expect(animate.status, animate.stderr).toBe(exitCodes.ok);
    expect(probeVideo(join(cwd, 'animated.mp4'))).toMatchObject({ frames: 11, width: 8, height: 8 });

    const interpolate = await runInProcess(['interpolate', red, blue, '-o', 'between.mp4', ...common], {
      cwd,
      defaultManifestPath: noDefaultModel,
    });
    expect(interpolate.status, interpolate.stderr).toBe(exitCodes.ok);
    expect(probeVideo(join(cwd, 'between.mp4'))).toMatchObject({ frames: 11, width: 8, height: 8 });

    // Four frames in, six key frames out: (6 - 1) * 5 + 1 frames after interpolation.
    const extrapolate = await runInProcess(
      ['extrapolate', 'between.mp4', '--input-frames', '4', '-o', 'after.mp4', ...common, '--frames', '6'],
      { cwd, defaultManifestPath: noDefaultModel },
    );
    expect(extrapolate.status, extrapolate.stderr).toBe(exitCodes.ok);
    expect(probeVideo(join(cwd, 'after.mp4'))).toMatchObject({ frames: 26, width: 8, height: 8 });

    const tooFew = await runInProcess(
      ['extrapolate', 'between.mp4', '--input-frames', '4', '-o', 'never.mp4', ...common, '--frames', '4'],
      { cwd, defaultManifestPath: noDefaultModel },
    );
    expect(tooFew.status).toBe(exitCodes.usage);
    expect(tooFew.stderr.trim().split('\n').at(-1)).toBe(
      "mav: extrapolate makes --frames key frames in all, the 4 read from 'between.mp4' included: give --frames above 4, or fewer --input-frames.",
    );
  });

  it('variations writes numbered files', async () => {
    const run = await runInProcess(
      [
        'variations',
        'a green triangle',
        '--count',
        '2',
        '-o',
        'variation.gif',
        ...fast,
        '--frames',
        '2',
        '--size',
        '8',
      ],
      { cwd, defaultManifestPath: noDefaultModel },
    );
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    expect(
      readdirSync(cwd)
        .filter((name) => name.startsWith('variation'))
        .sort(),
    ).toEqual(['variation-1.gif', 'variation-2.gif']);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('a missing input image exits 5 with one line, after nothing was written', async () => {
    const run = await runInProcess(['animate', 'nope.png', '-o', 'never.mp4', ...fast], {
      cwd,
      defaultManifestPath: noDefaultModel,
    });
    expect(run.status).toBe(exitCodes.input);
    expect(run.stderr.trim().split('\n').at(-1)).toBe('mav: image not found: nope.png');
    expect(readdirSync(cwd)).not.toContain('never.mp4');
  });
});

describe('mav info and mav bench', () => {
  it('info lists every stage with its parameters, resolution, frames and the expected memory', async () => {
    const run = await runInProcess(['info', 'tiny-model'], { cwd, defaultManifestPath: noDefaultModel });
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    for (const described of stages) {
      const row = run.stdout.split('\n').find((line) => line.startsWith(`${described.name} `));
      expect(row, described.name).toBeDefined();
      if (described.resolution > 0) expect(row).toContain(`${described.resolution}x${described.resolution}`);
    }
    expect(run.stdout).toMatch(
      /^expected peak memory: [\d.]+ (KiB|MiB|GiB) for the cascade; [\d.]+ (KiB|MiB|GiB) for the whole run at \d+x\d+, \d+ frames \(the largest part: \w+\)$/m,
    );
    const json = await runInProcess(['info', 'tiny-model', '--json'], {
      cwd,
      defaultManifestPath: noDefaultModel,
    });
    expect(JSON.parse(json.stdout).stages).toEqual(stages);
  });

  it('info on a broken manifest exits 3 with one line', async () => {
    mkdirSync(join(cwd, 'broken-model'));
    writeFileSync(join(cwd, 'broken-model', 'manifest.json'), '{ "version": 1, ');
    const run = await runInProcess(['info', 'broken-model'], { cwd, defaultManifestPath: noDefaultModel });
    expect(run.status).toBe(exitCodes.model);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^mav: model error: .*JSON/);
  });

  it('bench times every stage of a text-to-video run', async () => {
    const run = await runInProcess(['bench', '--steps', '2', '--frames', '2', '--json', '-q'], {
      cwd,
      defaultManifestPath: noDefaultModel,
    });
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    const report = JSON.parse(run.stdout);
    expect(report.stages.map((timing: { stage: string }) => timing.stage)).toEqual(stages.map((s) => s.name));
    const prior = report.stages.find((timing: { stage: string }) => timing.stage === 'prior');
    expect(prior.steps).toBe(2);
    for (const timing of report.stages) expect(timing.milliseconds).toBeGreaterThan(0);
  });

  it('a CUDA backend that is not installed exits 4', async () => {
    const run = await runInProcess(['generate', 'x', '-o', 'cuda.mp4', '--backend', 'cuda', ...fast], {
      cwd,
      defaultManifestPath: noDefaultModel,
    });
    expect(run.status).toBe(exitCodes.backendUnavailable);
    expect(run.stderr).toMatch(/^mav: backend unavailable: .*CUDA/m);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      '  With mav: --backend cpu, or --backend auto (CUDA when installed, else the CPU).',
    );
  });
});
