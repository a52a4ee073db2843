import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { python, requireTorch, trainFolder } from './python.js';

describe('tooling/train Python suite', () => {
  it('passes: world, tokenizer, modules, inflation, smoke runs of every stage, resume, export, 2 processes', () => {
    requireTorch();
    const run = spawnSync(python, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: trainFolder,
      encoding: 'utf8',
      timeout: 600_000,
      // tiny models gain nothing from threads, and on a busy 2-core machine OpenMP threads that spin-wait
      // on each other make the suite ~10x slower
      env: {
        ...process.env,
        MAV_TORCH_THREADS: process.env.MAV_TEST_TORCH_THREADS ?? '1',
        OMP_NUM_THREADS: '1',
      },
    });
    // unittest reports on stderr; show it when something failed
    expect(run.status, run.stderr.slice(-4000)).toBe(0);
    expect(run.stderr).toMatch(/Ran \d+ tests/);
    expect(run.stderr).toMatch(/\nOK\b/);
  });
});
