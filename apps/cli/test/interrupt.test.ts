import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { spawnCli } from './cli-helpers.js';

describe('Ctrl-C', () => {
  for (const format of ['mp4', 'gif'] as const) {
    it(`SIGINT during generation exits 130 and leaves no ${format} file (nor a temporary one)`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-interrupt-'));
      let sent = false;
      // Many steps, so the run is still denoising when the signal arrives; sent at the decoder's first step.
      const run = await spawnCli(
        ['generate', 'a red circle bouncing on a blue background', '-o', `out.${format}`, '--steps', '500'],
        {
          cwd,
          onStderr: (text, child) => {
            if (!sent && /^decoder 1\/500 /m.test(text)) {
              sent = true;
              child.kill('SIGINT');
            }
          },
        },
      );
      expect(sent, run.stderr).toBe(true);
      expect(run.status, run.stderr).toBe(exitCodes.interrupted);
      expect(run.stderr).toMatch(/^mav: interrupted; no output written\.$/m);
      expect(run.stderr).not.toMatch(/^decoder 500\/500/m);
      expect(existsSync(join(cwd, `out.${format}`))).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    });
  }
});
