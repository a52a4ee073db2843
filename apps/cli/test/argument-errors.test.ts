import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelLoader } from '../src/cli-context.js';
import { exitCodes } from '../src/exit-codes.js';
import { cliDirectory, runInProcess, spawnCli } from './cli-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-arguments-'));
mkdirSync(join(cwd, 'empty-model'));

// Argument errors must be found before any model is loaded: a loader that fails the test if reached.
const unreachableLoader: ModelLoader = async () => {
  throw new Error('the model was loaded although the arguments are wrong');
};

function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^mav: /);
  expect(lines[0]).toMatch(pattern);
}

const cases: { name: string; argv: string[]; status: number; message: RegExp }[] = [
  {
    name: 'a seed that is not a number',
    argv: ['--seed', 'abc'],
    status: exitCodes.usage,
    message: /--seed.*'abc'.*integer/,
  },
  {
    name: 'a negative seed',
    argv: ['--seed=-1'],
    status: exitCodes.usage,
    message: /--seed.*integer from 0/,
  },
  { name: 'zero steps', argv: ['--steps', '0'], status: exitCodes.usage, message: /--steps.*integer from 1/ },
  {
    name: 'steps for an unknown stage',
    argv: ['--steps', 'decodr=3'],
    status: exitCodes.usage,
    message: /Unknown stage 'decodr'/,
  },
  {
    name: 'a fractional frame count',
    argv: ['--frames', '2.5'],
    status: exitCodes.usage,
    message: /--frames.*integer/,
  },
  { name: 'a zero frame rate', argv: ['--fps', '0'], status: exitCodes.usage, message: /--fps.*above 0/ },
  {
    name: 'a guidance scale that is not a number',
    argv: ['--guidance', 'lots'],
    status: exitCodes.usage,
    message: /--guidance/,
  },
  {
    name: 'a malformed size',
    argv: ['--size', '64y64'],
    status: exitCodes.usage,
    message: /--size.*256 or 320x256/,
  },
  {
    name: 'an unknown format',
    argv: ['--format', 'avi'],
    status: exitCodes.usage,
    message: /unknown format 'avi'/,
  },
  {
    name: 'an unknown extension',
    argv: ['-o', 'clip.avi'],
    status: exitCodes.usage,
    message: /'clip\.avi'.*extension/,
  },
  {
    name: 'an unknown backend',
    argv: ['--backend', 'tpu'],
    status: exitCodes.usage,
    message: /Unknown backend 'tpu'/,
  },
  {
    name: 'an unknown option',
    argv: ['--colour', 'red'],
    status: exitCodes.usage,
    message: /unknown option '--colour'/,
  },
  {
    name: 'a missing model folder',
    argv: ['--model', 'no-such-model'],
    status: exitCodes.model,
    message: /no model at .*no-such-model/,
  },
  {
    name: 'an unknown random model',
    argv: ['--model', 'random:huge'],
    status: exitCodes.model,
    message: /unknown random model 'random:huge'; use random:tiny or random:small/,
  },
  {
    name: 'a model folder without manifest',
    argv: ['--model', 'empty-model'],
    status: exitCodes.model,
    message: /no manifest\.json/,
  },
];

describe('argument errors exit non-zero with one clear line', () => {
  for (const testCase of cases) {
    it(`generate with ${testCase.name} exits ${testCase.status}`, async () => {
      const run = await runInProcess(['generate', 'a red circle', '-o', 'out.mp4', ...testCase.argv], {
        cwd,
        loadModel: unreachableLoader,
      });
      expect(run.status).toBe(testCase.status);
      expectOneLine(run.stderr, testCase.message);
      expect(run.stdout).toBe('');
    });
  }

  it('an unknown command exits 2', async () => {
    const run = await runInProcess(['generat', 'x'], { cwd, loadModel: unreachableLoader });
    expect(run.status).toBe(exitCodes.usage);
    expectOneLine(run.stderr, /unknown command 'generat'.*generate/);
  });

  it('a missing prompt exits 2', async () => {
    const run = await runInProcess(['generate'], { cwd, loadModel: unreachableLoader });
    expect(run.status).toBe(exitCodes.usage);
    expectOneLine(run.stderr, /missing required argument 'prompt'/);
  });

  it('variations without prompt or image exits 2', async () => {
    const run = await runInProcess(['variations'], { cwd, loadModel: unreachableLoader });
    expect(run.status).toBe(exitCodes.usage);
    expectOneLine(run.stderr, /needs a prompt or --image/);
  });

  it('no arguments prints the help on stderr and exits 2; --help exits 0', async () => {
    const bare = await runInProcess([], { cwd, loadModel: unreachableLoader });
    expect(bare.status).toBe(exitCodes.usage);
    expect(bare.stderr).toContain('Usage: mav');
    const help = await runInProcess(['--help'], { cwd, loadModel: unreachableLoader });
    expect(help.status).toBe(exitCodes.ok);
    expect(help.stdout).toContain('130  interrupted');
  });

  it('no output file was created by any failing run', () => {
    expect(readdirSync(cwd).sort()).toEqual(['empty-model']);
  });
});

describe('the real process', () => {
  it('exits 2 with one line for a bad number', async () => {
    const run = await spawnCli(['generate', 'x', '--frames', 'many', '-o', 'p.mp4'], { cwd });
    expect(run.status).toBe(exitCodes.usage);
    expectOneLine(run.stderr, /--frames.*'many'/);
    expect(existsSync(join(cwd, 'p.mp4'))).toBe(false);
  });

  it('bin/mav.js (the package bin) passes the status on', () => {
    const result = spawnSync(
      process.execPath,
      [join(cliDirectory, 'bin', 'mav.js'), 'generate', 'x', '--seed', 'abc'],
      {
        cwd,
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(exitCodes.usage);
    expectOneLine(result.stderr, /--seed.*'abc'/);
  });

  it('exits 3 with one line for a missing model', async () => {
    const run = await spawnCli(['generate', 'x', '--model', 'missing-model', '-o', 'p.mp4'], { cwd });
    expect(run.status).toBe(exitCodes.model);
    expectOneLine(run.stderr, /no model at/);
  });
});
