import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Python package's folder (tooling/train). */
export const trainFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../train');

/** The interpreter: `MAV_PYTHON`, default `/usr/bin/python3` (Debian's, where python3-torch lives). */
export const python = process.env.MAV_PYTHON ?? '/usr/bin/python3';

/**
 * Throws a clear error when the interpreter cannot import torch (the Debian packages are missing).
 */
export function requireTorch(): void {
  const check = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw new Error(
      `${python} cannot import torch/numpy (${(check.stderr || String(check.error)).trim()}). ` +
        'Install them with `apt-get install -y python3-torch python3-numpy libopenblas0-openmp`, ' +
        'or point MAV_PYTHON at an interpreter that has them.',
    );
  }
}

/** Runs `python -m mav_train ...args` in tooling/train; returns stdout. */
export function runTrainCommand(args: string[], options: { timeoutMs?: number } = {}): string {
  return execFileSync(python, ['-m', 'mav_train', ...args], {
    cwd: trainFolder,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    env: {
      ...process.env,
      MAV_TORCH_THREADS: process.env.MAV_TEST_TORCH_THREADS ?? '1',
      OMP_NUM_THREADS: '1',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A fresh temporary folder. */
export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
