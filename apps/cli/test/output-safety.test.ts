/**
 * Nothing lost: an output path that would replace a folder, a link, an input or (without --force) a file
 * is refused before the model loads, and the folder's contents stay as they were.
 */
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@mav/video-io';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ModelLoader } from '../src/cli-context.js';
import { exitCodes } from '../src/exit-codes.js';
import { runInProcess, spawnCli } from './cli-helpers.js';

// Refusals must come before any model is loaded: a loader that fails the test if reached.
const unreachableLoader: ModelLoader = async () => {
  throw new Error('the model was loaded although the output path is refused');
};

const fast = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '5', '-q'];

let cwd: string;

/** The folder's files (recursively) with their contents, to compare before and after a run. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const name = path.slice(folder.length + 1);
    files[name] = entry.isFile()
      ? readFileSync(path, 'latin1')
      : `<${entry.isDirectory() ? 'dir' : 'other'}>`;
  }
  return files;
}

function writeImage(name: string): string {
  const data = new Uint8Array(4 * 4 * 3).fill(200);
  writeFileSync(join(cwd, name), encodePng({ width: 4, height: 4, data }));
  return name;
}

async function expectRefused(argv: string[], status: number, message: RegExp, folder = cwd): Promise<void> {
  const before = snapshot(folder);
  const run = await runInProcess(argv, { cwd: folder, loadModel: unreachableLoader });
  expect(run.status, run.stderr).toBe(status);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^mav: /);
  expect(lines[0]).toMatch(message);
  expect(snapshot(folder)).toEqual(before);
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'mav-cli-output-'));
  writeFileSync(join(cwd, 'notes.txt'), 'my notes');
  mkdirSync(join(cwd, 'photos'));
  writeFileSync(join(cwd, 'photos', 'holiday.jpg'), 'not really a jpeg');
});

describe('output paths that would lose something are refused before the model loads', () => {
  it('an empty -o is a usage error', async () => {
    await expectRefused(['generate', 'x', '-o', ''], exitCodes.usage, /--output is empty/);
    await expectRefused(['generate', 'x', '--output='], exitCodes.usage, /--output is empty/);
  });

  it('-o . (the working folder) is refused, with or without --force, and nothing in it is touched', async () => {
    for (const force of [[], ['--force']]) {
      await expectRefused(
        ['generate', 'x', '-o', '.', ...force],
        exitCodes.output,
        /'\.' is an existing folder/,
      );
      await expectRefused(['generate', 'x', '-o', './', ...force], exitCodes.output, /is an existing folder/);
    }
  });

  it('an existing folder is refused, whatever its extension says and even with --force', async () => {
    mkdirSync(join(cwd, 'dir.mp4'));
    writeFileSync(join(cwd, 'dir.mp4', 'inside.txt'), 'keep me');
    for (const force of [[], ['--force'], ['--overwrite']]) {
      await expectRefused(
        ['generate', 'x', '-o', 'photos', ...force],
        exitCodes.output,
        /'photos' is an existing folder/,
      );
      await expectRefused(
        ['generate', 'x', '-o', 'dir.mp4', ...force],
        exitCodes.output,
        /'dir\.mp4' is an existing folder/,
      );
      await expectRefused(
        ['generate', 'x', '-o', 'photos', '--format', 'gif', ...force],
        exitCodes.output,
        /existing folder/,
      );
    }
  });

  it('an existing file is replaced only with --force (or --overwrite)', async () => {
    writeFileSync(join(cwd, 'out.mp4'), 'previous video');
    await expectRefused(
      ['generate', 'x', '-o', 'out.mp4'],
      exitCodes.output,
      /'out\.mp4' already exists.*--force/,
    );
    // The default output, out.mp4, is protected the same way.
    await expectRefused(['generate', 'x'], exitCodes.output, /'out\.mp4' already exists/);
    for (const flag of ['--force', '--overwrite']) {
      writeFileSync(join(cwd, 'out.mp4'), 'previous video');
      const run = await runInProcess(['generate', 'x', '-o', 'out.mp4', flag, ...fast], { cwd });
      expect(run.status, run.stderr).toBe(exitCodes.ok);
      expect(readFileSync(join(cwd, 'out.mp4')).subarray(4, 8).toString('latin1')).toBe('ftyp');
    }
    expect(readdirSync(cwd).sort()).toEqual(['notes.txt', 'out.mp4', 'photos']);
  });

  it('a PNG frame sequence goes to a new folder: an existing file there is refused even with --force', async () => {
    await expectRefused(
      ['generate', 'x', '-o', 'notes.txt', '--format', 'png', '--force'],
      exitCodes.output,
      /new folder/,
    );
  });

  it('a symbolic link is refused, even with --force, and its target is untouched', async () => {
    symlinkSync(join(cwd, 'notes.txt'), join(cwd, 'link.mp4'));
    symlinkSync(join(cwd, 'photos'), join(cwd, 'link-to-folder'));
    for (const force of [[], ['--force']]) {
      await expectRefused(['generate', 'x', '-o', 'link.mp4', ...force], exitCodes.output, /symbolic link/);
      await expectRefused(
        ['generate', 'x', '-o', 'link-to-folder', ...force],
        exitCodes.output,
        /symbolic link/,
      );
    }
  });

  it('an input is never the output: same path, another spelling, or a hard link, even with --force', async () => {
    const photo = writeImage('photo.png');
    linkSync(join(cwd, photo), join(cwd, 'same-inode.png'));
    for (const force of [[], ['--force']]) {
      await expectRefused(
        ['animate', photo, '-o', photo, ...force],
        exitCodes.output,
        /'photo\.png' is also an input/,
      );
      await expectRefused(
        ['animate', photo, '-o', './photos/../photo.png', ...force],
        exitCodes.output,
        /also an input/,
      );
      await expectRefused(
        ['animate', photo, '-o', 'same-inode.png', ...force],
        exitCodes.output,
        /also an input/,
      );
      await expectRefused(
        ['interpolate', 'same-inode.png', photo, '-o', photo, ...force],
        exitCodes.output,
        /also an input/,
      );
      // variations writes v-1.png, v-2.png: the first is its input here.
      writeImage('v-1.png');
      await expectRefused(
        ['variations', '--image', 'v-1.png', '-o', 'v.png', ...force],
        exitCodes.output,
        /'v-1\.png' is also an input/,
      );
    }
  });

  it('variations checks every numbered file before it starts', async () => {
    writeFileSync(join(cwd, 'v-2.gif'), 'an older variation');
    await expectRefused(
      ['variations', 'x', '--count', '3', '-o', 'v.gif'],
      exitCodes.output,
      /'v-2\.gif' already exists/,
    );
    mkdirSync(join(cwd, 'v-1.mp4'));
    await expectRefused(
      ['variations', 'x', '-o', 'v.mp4', '--force'],
      exitCodes.output,
      /'v-1\.mp4' is an existing folder/,
    );
  });

  it('a parent that is a file is refused', async () => {
    await expectRefused(
      ['generate', 'x', '-o', 'notes.txt/out.mp4'],
      exitCodes.output,
      /'notes\.txt' is not a folder/,
    );
    await expectRefused(
      ['generate', 'x', '-o', 'notes.txt/deeper/out.mp4'],
      exitCodes.output,
      /'notes\.txt' is not a folder/,
    );
  });

  it('a parent that does not exist yet is fine: the run gets as far as loading the model', async () => {
    const run = await runInProcess(['generate', 'x', '-o', 'new/deeper/out.mp4'], {
      cwd,
      loadModel: unreachableLoader,
    });
    expect(run.stderr).toMatch(/the model was loaded although/);
    expect(readdirSync(cwd).sort()).toEqual(['notes.txt', 'photos']);
  });
});

describe('a folder the CLI cannot write to', () => {
  // Root may write anywhere: the CLI runs as 'nobody' then, as an ordinary user runs it.
  const runAs = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

  for (const name of ['out.mp4', 'out.webm', 'out.gif', 'frames', 'new/out.mp4']) {
    it(`exits 6 for ${name} before the model loads`, async () => {
      chmodSync(cwd, 0o755);
      const readOnly = join(cwd, 'read-only');
      mkdirSync(readOnly, { mode: 0o555 });
      chmodSync(readOnly, 0o555);
      const run = await spawnCli(
        ['generate', 'x', '-o', join('read-only', name), ...fast.filter((flag) => flag !== '-q')],
        {
          cwd,
          ...(runAs === undefined ? {} : { runAs }),
        },
      );
      expect(run.status, run.stderr).toBe(exitCodes.output);
      expect(run.stderr).toMatch(
        /^mav: cannot write 'read-only\/.*': the folder 'read-only' is not writable/m,
      );
      // The model was never loaded: no progress line, no model line.
      expect(run.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
      expect(readdirSync(readOnly)).toEqual([]);
    });
  }
});
