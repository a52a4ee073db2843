/**
 * Signals: SIGINT exits 130 and SIGTERM 143, through the README's `scripts/mav.sh` as well as the CLI
 * itself; the process and everything it started are gone when it exits, and no output or temporary file is
 * left, whether the signal arrives while the model denoises or while the video is being written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../src/exit-codes.js';
import { cliCommand, cliDirectory, spawnCli } from './cli-helpers.js';
import { isRunning, processTree } from './process-tree.js';

const mavScript = fileURLToPath(new URL('../../../scripts/mav.sh', import.meta.url));

/** Processes a test started and saw running: killed after the test if a failure left any behind. */
const started = new Set<number>();
afterEach(() => {
  for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  started.clear();
});

interface SignalledRun {
  readonly status: number | null;
  readonly stderr: string;
  /** The process tree when the first signal was sent. */
  readonly tree: readonly number[];
  /** Those of `tree` still running when the signalled process exited. */
  readonly survivors: readonly number[];
}

/**
 * Starts `command args` in `cwd`, sends `signals` (one after the other, 20 ms apart) to that process alone
 * when `trigger` fires, and reports how it ended. `trigger`: a line on stderr, or 'partial' for the moment
 * a temporary output file appears in `cwd`.
 */
function runAndSignal(options: {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly spawnIn: string;
  readonly trigger: RegExp | 'partial';
  readonly signals: readonly NodeJS.Signals[];
}): Promise<SignalledRun> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.spawnIn,
    env: { ...process.env, MAV_CWD: options.cwd, MAV_MODEL: 'random:tiny' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let tree: number[] = [];
  const send = () => {
    if (tree.length > 0) return;
    tree = processTree(child.pid!);
    for (const pid of tree) started.add(pid);
    // One after the other, 20 ms apart: two signals sent in the same instant are both pending, and the
    // process may see them in either order (its exit status follows the first it saw).
    options.signals.forEach((signal, index) => {
      if (index === 0) child.kill(signal);
      else setTimeout(() => child.kill(signal), 20 * index);
    });
  };
  const watcher =
    options.trigger === 'partial'
      ? watch(options.cwd, (_event, name) => {
          if (name?.endsWith('.partial')) send();
        })
      : undefined;
  child.stdout.resume();
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (options.trigger instanceof RegExp && options.trigger.test(stderr)) send();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'exit', not 'close': a grandchild that outlives the process would hold the pipes open.
    child.on('exit', (status) => {
      watcher?.close();
      const survivors = tree.filter((pid) => pid !== child.pid && isRunning(pid));
      const done = () => resolve({ status, stderr, tree, survivors });
      // Survivors hold stderr open: report them now rather than wait for them.
      if (survivors.length > 0 || child.stderr.closed) done();
      else child.stderr.once('close', done);
    });
  });
}

const longRun = ['generate', 'a red circle bouncing on a blue background', '--steps', '500', '--seed', '1'];
// A large output, so that writing it takes a while: 36 frames of 1024x1024 through ffmpeg.
const largeOutput = ['generate', 'a ball', '--steps', '1', '--frames', '8', '--size', '1024', '--seed', '1'];

function expectClean(run: SignalledRun, cwd: string, status: number): void {
  expect(run.tree.length, run.stderr).toBeGreaterThan(0);
  expect(run.status, run.stderr).toBe(status);
  expect(run.survivors, `still running: ${run.survivors.join(', ')}`).toEqual([]);
  expect(run.stderr).toMatch(/^mav: interrupted; no output written\.$/m);
  expect(readdirSync(cwd)).toEqual([]);
}

describe('signals sent to scripts/mav.sh reach the CLI', () => {
  for (const [signal, status] of [
    ['SIGTERM', exitCodes.terminated],
    ['SIGINT', exitCodes.interrupted],
  ] as const) {
    it(`${signal} during denoising exits ${status}, and the whole process tree is gone`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-signal-'));
      const run = await runAndSignal({
        command: 'bash',
        args: [mavScript, ...longRun, '-o', 'out.mp4'],
        cwd,
        spawnIn: cwd,
        trigger: /^decoder 1\/500 /m,
        signals: [signal],
      });
      expectClean(run, cwd, status);
      expect(run.stderr).not.toMatch(/^decoder 500\/500/m);
    });
  }
});

describe('a signal while the video is being written', () => {
  const cli = cliCommand([...largeOutput, '-o', 'large.mp4']);

  it('SIGTERM exits 143, stops ffmpeg, and removes the temporary file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-signal-write-'));
    const run = await runAndSignal({
      ...cli,
      cwd,
      spawnIn: cliDirectory,
      trigger: 'partial',
      signals: ['SIGTERM'],
    });
    expectClean(run, cwd, exitCodes.terminated);
    expect(run.tree.length, 'ffmpeg was running').toBeGreaterThan(1);
  });

  it('a second signal exits at once, and still leaves no temporary file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-signal-twice-'));
    const run = await runAndSignal({
      ...cli,
      cwd,
      spawnIn: cliDirectory,
      trigger: 'partial',
      signals: ['SIGINT', 'SIGTERM'],
    });
    expect(run.status, run.stderr).toBe(exitCodes.interrupted);
    expect(run.stderr).toMatch(/^mav: SIGTERM after SIGINT: stopped at once; no partial file is left\.$/m);
    expect(run.survivors).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  for (const format of ['mp4', 'gif'] as const) {
    it(`SIGINT during generation exits 130 and leaves no ${format} file (nor a temporary one)`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'mav-cli-interrupt-'));
      let sent = false;
      // Many steps, so the run is still denoising when the signal arrives; sent at the decoder's first step.
      const run = await spawnCli([...longRun, '-o', `out.${format}`], {
        cwd,
        onStderr: (text, child) => {
          if (!sent && /^decoder 1\/500 /m.test(text)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(sent, run.stderr).toBe(true);
      expect(run.status, run.stderr).toBe(exitCodes.interrupted);
      expect(run.stderr).toMatch(/^mav: interrupted; no output written\.$/m);
      expect(run.stderr).not.toMatch(/^decoder 500\/500/m);
      expect(existsSync(join(cwd, `out.${format}`))).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    });
  }
});
