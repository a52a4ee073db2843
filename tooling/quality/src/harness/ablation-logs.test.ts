import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QualityError } from '../errors.js';
import { readAblation } from './ablation-logs.js';

const folder = mkdtempSync(join(tmpdir(), 'mav-ablation-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function arm(name: string, losses: [number, number][]) {
  mkdirSync(join(folder, name), { recursive: true });
  writeFileSync(
    join(folder, name, 'log.jsonl'),
    losses.map(([step, loss]) => `${JSON.stringify({ step, loss, seconds: 0 })}\n`).join(''),
  );
}

describe('readAblation', () => {
  it('summarises both arms over the same steps', async () => {
    arm('identity', [
      [0, 1],
      [10, 0.5],
      [20, 0.4],
      [30, 0.3],
      [39, 0.2],
    ]);
    // a log that ran on past the ablation's steps: later lines do not count
    arm('random', [
      [0, 2],
      [10, 1],
      [20, 0.8],
      [30, 0.7],
      [39, 0.5],
      [49, 0.1],
    ]);
    writeFileSync(
      join(folder, 'ablation.json'),
      JSON.stringify({
        format: 'mav-ablation',
        version: 1,
        steps: 40,
        size: 'tiny',
        arms: { identity: { log: 'identity/log.jsonl' }, random: { log: 'random/log.jsonl' } },
      }),
    );
    const scores = await readAblation(folder);
    expect(scores.identity).toEqual({ firstLoss: 1, lastQuarterLoss: 0.25, meanLoss: 0.48 });
    expect(scores.random.firstLoss).toBe(2);
    expect(scores.random.lastQuarterLoss).toBeCloseTo(0.6, 12);
    expect(scores.ratio).toBeCloseTo(2.4, 12);
  });

  it('names the folder when it holds no ablation', async () => {
    const error = await readAblation(join(folder, 'nothing')).catch((caught: unknown) => caught);
    expect(QualityError.isInstance(error)).toBe(true);
    expect((error as QualityError).reason).toBe('invalid-ablation');
  });
});
