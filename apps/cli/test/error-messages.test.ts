/**
 * Every failure ends with the status of its kind (listed in `mav --help`) and a message that keeps every
 * detail the library gave, in the CLI's own words: flags, not API option names.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemorySource, loadCascade, parseManifest } from '@mav/cascade';
import { createRandomCascade } from '@mav/cascade/testing';
import { encodePng } from '@mav/video-io';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelLoader } from '../src/cli-context.js';
import { exitCodeHelp, exitCodes } from '../src/exit-codes.js';
import { randomModelSeed } from '../src/load-model.js';
import { runInProcess } from './cli-helpers.js';
import { type EditableManifest, writeModelFolder } from './model-folder.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-errors-'));
const fast = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '2', '-q'];

const unreachableLoader: ModelLoader = async () => {
  throw new Error('the model was loaded although the arguments are wrong');
};

/** The random tiny model as the folder `name` in `cwd`, its manifest changed by `change`. */
async function modelFolder(name: string, change: (manifest: EditableManifest) => unknown): Promise<string> {
  await writeModelFolder(join(cwd, name), { manifest: change });
  return name;
}

/** The message `parseManifest` gives for `text`: the independent reference for what the CLI must print. */
function manifestErrorOf(text: string): string {
  try {
    parseManifest(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the manifest parsed');
}

function detailLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('  '));
}

beforeAll(() => {
  writeFileSync(join(cwd, 'text.png'), 'hello, this is text\n');
  mkdirSync(join(cwd, 'folder.png'));
  writeFileSync(join(cwd, 'red.png'), encodePng({ width: 4, height: 4, data: new Uint8Array(48).fill(90) }));
});

describe('input files: exit 5', () => {
  it('a text file named .png', async () => {
    for (const argv of [
      ['animate', 'text.png'],
      ['interpolate', 'red.png', 'text.png'],
      ['variations', '--image', 'text.png'],
    ]) {
      const run = await runInProcess([...argv, '-o', 'never.mp4', ...fast], { cwd });
      expect(run.status, run.stderr).toBe(exitCodes.input);
      expect(run.stderr).toMatch(/^mav: cannot read the image 'text\.png': /m);
    }
  });

  it('a folder given as the image or the video, refused before the model loads', async () => {
    for (const [argv, what] of [
      [['animate', 'folder.png'], 'image'],
      [['extrapolate', 'folder.png'], 'video'],
    ] as const) {
      const run = await runInProcess([...argv, '-o', 'never.mp4'], { cwd, loadModel: unreachableLoader });
      expect(run.status, run.stderr).toBe(exitCodes.input);
      expect(run.stderr).toBe(`mav: ${what} 'folder.png' is a folder; give the ${what} file itself.\n`);
    }
  });

  it('a missing video', async () => {
    const run = await runInProcess(['extrapolate', 'missing.mp4', '-o', 'never.mp4'], {
      cwd,
      loadModel: unreachableLoader,
    });
    expect(run.status).toBe(exitCodes.input);
    expect(run.stderr).toBe('mav: video not found: missing.mp4\n');
  });
});

describe('model errors: exit 3 with every detail line', () => {
  it('a schema error prints each problem the cascade lists', async () => {
    const model = await modelFolder('bad-schema', (manifest) => {
      manifest.stages.decoder!.resolution = 'big';
      manifest.stages.prior!.steps = -1;
    });
    const expected = manifestErrorOf(readFileSync(join(cwd, model, 'manifest.json'), 'utf8'));
    const problems = expected.split('\n').slice(1);
    expect(problems.length, expected).toBeGreaterThanOrEqual(2);
    const run = await runInProcess(['generate', 'x', '-o', 'never.mp4', '--model', model], { cwd });
    expect(run.status, run.stderr).toBe(exitCodes.model);
    expect(run.stderr).toContain(`mav: model error: ${expected.split('\n')[0]}\n`);
    for (const problem of problems) expect(detailLines(run.stderr)).toContain(`  ${problem.trim()}`);
  });

  it("a JSON array as manifest exits 3 with the cascade's whole message", async () => {
    mkdirSync(join(cwd, 'array-model'));
    writeFileSync(join(cwd, 'array-model', 'manifest.json'), '[]');
    const expected = manifestErrorOf('[]');
    for (const argv of [['generate', 'x', '-o', 'never.mp4'], ['info']]) {
      const run = await runInProcess([...argv, '--model', 'array-model'], { cwd });
      expect(run.status, run.stderr).toBe(exitCodes.model);
      const lines = expected.split('\n');
      expect(run.stderr).toContain(`mav: model error: ${lines[0]}`);
      for (const line of lines.slice(1)) expect(detailLines(run.stderr)).toContain(`  ${line.trim()}`);
    }
  });

  it('weights that do not fit the network list every tensor', async () => {
    // The decoder's weights stay those of 8 base channels; the manifest now says 16.
    const model = await modelFolder('misfit-weights', (manifest) => {
      (manifest.stages.decoder!.network as Record<string, unknown>).baseChannels = 16;
    });
    const run = await runInProcess(['generate', 'x', '-o', 'never.mp4', '--model', model, ...fast.slice(2)], {
      cwd,
    });
    expect(run.status, run.stderr).toBe(exitCodes.model);
    const first = run.stderr.split('\n').find((line) => line.startsWith('mav: '));
    const count = /\((\d+) problems?\):/.exec(first ?? '');
    expect(count, run.stderr).not.toBeNull();
    const listed = detailLines(run.stderr).filter((line) =>
      /^ {2}(missing|unexpected|wrong (shape|dtype)): /.test(line),
    );
    expect(listed).toHaveLength(Number(count![1]));
    expect(Number(count![1])).toBeGreaterThan(1);
  });
});

describe('messages speak of flags', () => {
  it('interpolate --frames 1 is a usage error about --frames, found before the model loads', async () => {
    const run = await runInProcess(
      ['interpolate', 'red.png', 'red.png', '--frames', '1', '-o', 'never.mp4'],
      {
        cwd,
        loadModel: unreachableLoader,
      },
    );
    expect(run.status).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/^mav: .*--frames/);
    expect(run.stderr).not.toMatch(/frameSkip/);
  });

  it('a value the cascade refuses names the flag, not the option it became (--fps out of the trained range)', async () => {
    const run = await runInProcess(['generate', 'x', '-o', 'never.mp4', ...fast, '--fps', '200'], { cwd });
    expect(run.status, run.stderr).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/^mav: invalid value: --fps must be a number in \[\d+, \d+\]/m);
  });

  it('extrapolate with --frames not above the frames read says so in flags', async () => {
    const video = await runInProcess(['generate', 'x', '-o', 'short.y4m', ...fast], { cwd });
    expect(video.status, video.stderr).toBe(exitCodes.ok);
    for (const frames of ['1', '2']) {
      const run = await runInProcess(
        ['extrapolate', 'short.y4m', '-o', 'never.mp4', ...fast, '--frames', frames],
        {
          cwd,
        },
      );
      expect(run.status, run.stderr).toBe(exitCodes.usage);
      expect(run.stderr).toMatch(
        /^mav: extrapolate makes --frames key frames in all, the \d+ read from 'short\.y4m' included/m,
      );
      expect(run.stderr).not.toMatch(/numFrames|keyframes do not tile/);
    }
  });

  it('the memory error says --frames and --size, not API options', async () => {
    // The real cascade with a small memory limit, so that the refusal does not depend on this machine.
    const smallLimit: ModelLoader = async ({ backend, signal }) => {
      const { manifest, files } = await createRandomCascade({ seed: randomModelSeed, preset: 'tiny' });
      return loadCascade({
        manifest,
        files: createMemorySource(files),
        backends: { default: backend },
        signal,
        memoryLimitBytes: 1024,
      });
    };
    const run = await runInProcess(['generate', 'x', '-o', 'never.mp4', ...fast], {
      cwd,
      loadModel: smallLimit,
    });
    expect(run.status, run.stderr).toBe(exitCodes.memory);
    expect(run.stderr).toMatch(/^mav: not enough memory: .*--frames.*--size/m);
    expect(run.stderr).not.toMatch(/stopAfter|memoryLimitBytes/);
  });

  it('no failing run above left a file behind', () => {
    expect(readdirSync(cwd).filter((name) => name.startsWith('never'))).toEqual([]);
  });
});

describe('mav --help lists every status', () => {
  it('each exit code appears once, and nothing else does', () => {
    const listed = exitCodeHelp
      .split('\n')
      .flatMap((line) => /^ {2}(\d+) /.exec(line)?.[1] ?? [])
      .map(Number);
    expect(listed).toEqual([...new Set(Object.values(exitCodes))].sort((a, b) => a - b));
  });
});
