/**
 * A reader that stops early (`mav --help | head -2`) closes the pipe under `mav`: the rest of the output
 * has nowhere to go, and `mav` ends quietly with its usual status, never with an EPIPE stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { cliCommand, cliDirectory } from './cli-helpers.js';

const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-pipe-'));

/**
 * Runs `mav argv` with its stdout (or, with `both`, stdout and stderr) piped into `reader`, a real shell
 * pipeline; `true` exits at once, long before node has started. Returns mav's own status and its stderr.
 */
function piped(argv: readonly string[], reader: string, both = false): { status: number; stderr: string } {
  const { command, args } = cliCommand(argv);
  const result = spawnSync(
    'bash',
    [
      '-c',
      `"$@" ${both ? '2>&1 ' : ''}| ${reader}; echo "mav status: \${PIPESTATUS[0]}" >&3`,
      'bash',
      command,
      ...args,
    ],
    {
      cwd: cliDirectory,
      env: { ...process.env, MAV_CWD: cwd, MAV_MODEL: 'random:tiny' },
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  const report = String(result.output[3]);
  const status = /mav status: (\d+)/.exec(report);
  expect(status, `${report}\n${result.stderr}`).not.toBeNull();
  return { status: Number(status![1]), stderr: result.stderr };
}

describe('a closed stdout', () => {
  it('mav --help | true ends with status 0 and nothing on stderr', () => {
    expect(piped(['--help'], 'true')).toEqual({ status: exitCodes.ok, stderr: '' });
  });

  it('mav generate --help | true ends quietly too', () => {
    expect(piped(['generate', '--help'], 'true')).toEqual({ status: exitCodes.ok, stderr: '' });
  });

  it('mav info | true: the model loads, the table has nowhere to go, status 0', () => {
    expect(piped(['info', '--model', 'random:tiny'], 'true')).toEqual({ status: exitCodes.ok, stderr: '' });
  });

  it('a generation with stdout and stderr closed still writes its file and exits 0', () => {
    const args = [
      'generate',
      'x',
      '-o',
      'piped.gif',
      '--model',
      'random:tiny',
      '--steps',
      '1',
      '--frames',
      '2',
    ];
    expect(piped([...args, '--size', '8'], 'true', true)).toEqual({ status: exitCodes.ok, stderr: '' });
    expect(existsSync(join(cwd, 'piped.gif'))).toBe(true);
  });
});
