/**
 * The pre-flight memory estimate against the peak resident memory of real runs: `mav info --json` gives the
 * estimate of a run (`job.peakBytes`), the same run by `mav generate` in its own process measures its peak
 * RSS. The stated margin: estimate / 2 ≤ measured ≤ estimate.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './cli-helpers.js';

const preload = fileURLToPath(new URL('./peak-rss.mjs', import.meta.url));

async function estimate(args: string[]): Promise<{ peakBytes: number; stage: string }> {
  const run = await spawnCli(['info', '--json', '--model', 'random:tiny', ...args], { cwd: tmpdir() });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { job: { peakBytes: number; stage: string } }).job;
}

async function measure(args: string[]): Promise<number> {
  const cwd = mkdtempSync(join(tmpdir(), 'mav-memory-'));
  const file = join(cwd, 'peak-rss');
  const run = await spawnCli(
    ['generate', 'a red circle', '--model', 'random:tiny', '--seed', '1', '-q', '-o', 'out.mp4', ...args],
    { cwd, env: { NODE_OPTIONS: `--import=${preload}`, MAV_PEAK_RSS_FILE: file } },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(existsSync(join(cwd, 'out.mp4'))).toBe(true);
  return Number(readFileSync(file, 'utf8'));
}

describe('the pre-flight memory estimate', () => {
  for (const args of [[], ['--size', '768']]) {
    it(`covers the measured peak RSS of a run ${args.join(' ') || 'at the model size'}, within 2×`, async () => {
      const expected = await estimate(args);
      const measured = await measure(args);
      expect(measured).toBeLessThanOrEqual(expected.peakBytes);
      expect(measured).toBeGreaterThanOrEqual(expected.peakBytes / 2);
      // Enlarging 76 frames to 768² is the largest part of that run, not any stage of the tiny cascade.
      if (args.length > 0) expect(expected.stage).toBe('video output');
    }, 120_000);
  }

  it('refuses a run whose video would not fit in memory before any work, exit 7, writing nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mav-memory-'));
    const run = await spawnCli(
      [
        'generate',
        'a red circle',
        '--model',
        'random:tiny',
        '--size',
        '4096',
        '--frames',
        '1024',
        '-o',
        'out.mp4',
      ],
      { cwd },
    );
    expect(run.status, run.stderr).toBe(7);
    expect(run.stderr).toMatch(
      /not enough memory: this run needs an estimated [\d.]+ GiB at stage 'video output'/,
    );
    expect(run.stderr).toContain('--size');
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);
});
