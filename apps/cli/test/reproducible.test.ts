/**
 * The same seed gives the same file, byte for byte, in every format the CLI writes.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { videoFormats } from '@mav/video-io';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { runInProcess } from './cli-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-reproducible-'));
const run = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '11', '-q'];

/** The output's files (one, or the frames of a PNG sequence folder) with their bytes. */
function outputFiles(path: string, sequence: boolean): Map<string, Buffer> {
  if (!sequence) return new Map([['', readFileSync(path)]]);
  return new Map(
    readdirSync(path)
      .sort()
      .map((name) => [name, readFileSync(join(path, name))]),
  );
}

describe('two runs with the same seed write byte-identical files', () => {
  for (const format of videoFormats) {
    it(format, async () => {
      const outputs: Map<string, Buffer>[] = [];
      for (const attempt of ['first', 'second']) {
        const output = `${attempt}-${format}`;
        const result = await runInProcess(
          ['generate', 'a green triangle', '-o', output, '--format', format, ...run],
          { cwd },
        );
        expect(result.status, result.stderr).toBe(exitCodes.ok);
        outputs.push(outputFiles(join(cwd, output), format === 'png'));
      }
      const [first, second] = outputs as [Map<string, Buffer>, Map<string, Buffer>];
      expect(first.size).toBeGreaterThan(0);
      expect([...second.keys()]).toEqual([...first.keys()]);
      for (const [name, bytes] of first) {
        expect(second.get(name)!.equals(bytes), `${format} ${name} differs between the runs`).toBe(true);
      }
    });
  }
});
