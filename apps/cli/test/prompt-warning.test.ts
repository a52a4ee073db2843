/**
 * An empty prompt, or one of only spaces, is allowed (exit 0) but never silent: `mav` says on stderr that
 * the video follows no text.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@mav/video-io';
import { describe, expect, it } from 'vitest';
import type { ModelLoader } from '../src/cli-context.js';
import { exitCodes } from '../src/exit-codes.js';
import { runInProcess } from './cli-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-prompt-'));
const fast = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '4', '-q'];
const warning = /^mav: warning: the prompt is empty/m;

// The warning comes before the model loads: a loader that stops the run there.
const stopAtLoad: ModelLoader = async () => {
  throw new Error('stopped at the model');
};

describe('an empty prompt', () => {
  it('generate "" and generate "   " warn on stderr, even with -q, and still write the video', async () => {
    for (const [prompt, output] of [
      ['', 'empty.gif'],
      ['   ', 'spaces.gif'],
      ['\t\n', 'blank.gif'],
    ] as const) {
      const run = await runInProcess(['generate', prompt, '-o', output, ...fast], { cwd });
      expect(run.status, run.stderr).toBe(exitCodes.ok);
      expect(run.stderr).toMatch(warning);
      expect(run.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
      expect(existsSync(join(cwd, output))).toBe(true);
    }
  });

  it('a real prompt gives no warning', async () => {
    const run = await runInProcess(['generate', 'a red circle', '-o', 'ball.gif', ...fast], { cwd });
    expect(run.status, run.stderr).toBe(exitCodes.ok);
    expect(run.stderr).toBe('');
  });

  it('every command that takes a prompt warns: -p for animate, interpolate, extrapolate; variations', async () => {
    writeFileSync(
      join(cwd, 'red.png'),
      encodePng({ width: 4, height: 4, data: new Uint8Array(48).fill(200) }),
    );
    writeFileSync(join(cwd, 'clip.y4m'), 'YUV4MPEG2 W2 H2 F1:1 C420jpeg\nFRAME\n\0\0\0\0\0\0');
    for (const argv of [
      ['animate', 'red.png', '-p', ' '],
      ['interpolate', 'red.png', 'red.png', '-p', ''],
      ['extrapolate', 'clip.y4m', '--prompt', '  '],
      ['variations', ' ', '--image', 'red.png'],
    ]) {
      const run = await runInProcess([...argv, '-o', 'never.mp4'], { cwd, loadModel: stopAtLoad });
      expect(run.stderr, argv.join(' ')).toMatch(warning);
      expect(run.stderr).toMatch(/stopped at the model/);
    }
    // Without -p there is no prompt to warn about.
    const run = await runInProcess(['animate', 'red.png', '-o', 'never.mp4'], { cwd, loadModel: stopAtLoad });
    expect(run.stderr).not.toMatch(warning);
  });
});
