/**
 * Words the model does not know, and words past its context, are never silent: `mav` names them on stderr
 * (even with -q) and still runs. The random tiny cascade's vocabulary is `randomCascadeWords`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { runInProcess } from './cli-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-vocabulary-'));
const fast = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '4', '-q'];

describe('prompts the model reads differently', () => {
  it('names each unknown word once, for generate and image', async () => {
    for (const [command, output] of [
      ['generate', 'zebra.gif'],
      ['image', 'zebra.png'],
    ] as const) {
      // `image` has no --frames or --size.
      const flags =
        command === 'image' ? ['--model', 'random:tiny', '--steps', '1', '--seed', '4', '-q'] : fast;
      const run = await runInProcess(
        [command, 'a red zebra and a zebra on a piano', '-o', output, ...flags],
        { cwd },
      );
      expect(run.status, run.stderr).toBe(exitCodes.ok);
      expect(run.stderr).toContain("the model does not know the words 'zebra', 'piano'");
      expect(existsSync(join(cwd, output))).toBe(true);
    }
  });

  it('says how many tokens a long prompt loses', async () => {
    const run = await runInProcess(
      ['generate', 'a red circle and a blue square on a background', '-o', 'long.gif', ...fast],
      { cwd },
    );
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    // The tiny cascade reads 8 tokens: start, 6 words, end.
    expect(run.stderr).toContain('longer than the model reads (6 tokens); the last 4 tokens are ignored');
  });

  it('a prompt in the vocabulary gets no warning', async () => {
    const run = await runInProcess(['generate', 'a red circle', '-o', 'known.gif', ...fast], { cwd });
    expect(run.stderr).toBe('');
  });
});
