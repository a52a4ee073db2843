import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputExistsError } from '../errors.js';
import { syntheticClip } from '../test-support/synthetic-clip.js';
import { removeTemporarySiblingsSync, temporarySiblingPath, writeAtomically } from './atomic-write.js';
import { writeVideo } from './write-video.js';

const frames = syntheticClip({ width: 16, height: 16, numFrames: 4, fps: 4 });
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-atomic-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A folder holding one file, as a user's folder would. */
async function userFolder(name: string): Promise<string> {
  const folder = path.join(directory, name);
  await mkdir(folder);
  await writeFile(path.join(folder, 'keep.txt'), 'mine');
  return folder;
}

async function expectRefused(write: Promise<unknown>, target: string, existing: string): Promise<void> {
  const error = await write.catch((caught: unknown) => caught);
  expect(OutputExistsError.isInstance(error), String(error)).toBe(true);
  expect((error as OutputExistsError).path).toBe(target);
  expect((error as OutputExistsError).existing).toBe(existing);
  expect((error as Error).message).toContain(target);
}

/** Names in the test folder that look like a temporary sibling. */
async function partialFiles(): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.partial'));
}

describe('writeVideo never removes a folder it did not create', () => {
  it('refuses a folder at a file path (dir.mp4, dir.gif) and leaves its contents alone', async () => {
    for (const format of ['mp4', 'gif'] as const) {
      const folder = await userFolder(`dir.${format}`);
      await expectRefused(writeVideo({ frames, path: folder }), folder, 'directory');
      expect(await readdir(folder)).toEqual(['keep.txt']);
      expect(await readFile(path.join(folder, 'keep.txt'), 'utf8')).toBe('mine');
    }
    expect(await partialFiles()).toEqual([]);
  });

  it('refuses a folder, empty or not, as the target of a PNG sequence, even with overwrite', async () => {
    const full = await userFolder('frames');
    const empty = path.join(directory, 'empty-frames');
    await mkdir(empty);
    for (const overwrite of [true, false]) {
      await expectRefused(writeVideo({ frames, path: full, format: 'png', overwrite }), full, 'directory');
      await expectRefused(writeVideo({ frames, path: empty, format: 'png', overwrite }), empty, 'directory');
    }
    expect(await readdir(full)).toEqual(['keep.txt']);
    expect(await readdir(empty)).toEqual([]);
    expect(await partialFiles()).toEqual([]);
  });

  it('refuses to put a PNG sequence where a file is', async () => {
    const file = path.join(directory, 'a-file');
    await writeFile(file, 'mine');
    await expectRefused(writeVideo({ frames, path: file, format: 'png' }), file, 'file');
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it('writes a PNG sequence into a new folder', async () => {
    const target = path.join(directory, 'new-sequence');
    await writeVideo({ frames, path: target, format: 'png' });
    expect((await readdir(target)).sort()).toEqual([
      'frame-00000.png',
      'frame-00001.png',
      'frame-00002.png',
      'frame-00003.png',
      'frames.json',
    ]);
  });

  it('replaces a file by default; with overwrite: false it refuses and keeps the file', async () => {
    const target = path.join(directory, 'clip.gif');
    await writeFile(target, 'previous');
    await expectRefused(writeVideo({ frames, path: target, overwrite: false }), target, 'file');
    expect(await readFile(target, 'utf8')).toBe('previous');
    await writeVideo({ frames, path: target });
    expect((await readFile(target)).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(await partialFiles()).toEqual([]);
  });

  it('with overwrite: false, a file that appears during the write is kept, and the new one discarded', async () => {
    const target = path.join(directory, 'raced.y4m');
    const write = writeAtomically(
      target,
      async (temporaryPath) => {
        await writeFile(temporaryPath, 'new');
        await writeFile(target, 'appeared meanwhile');
      },
      { overwrite: false },
    );
    await expectRefused(write, target, 'file');
    expect(await readFile(target, 'utf8')).toBe('appeared meanwhile');
    expect(await partialFiles()).toEqual([]);
  });

  it('a symbolic link at the path is replaced as a link, never followed into its target', async () => {
    const real = path.join(directory, 'real.y4m');
    await writeFile(real, 'the real file');
    const link = path.join(directory, 'link.y4m');
    await symlink(real, link);
    await writeVideo({ frames, path: link });
    expect(await readFile(real, 'utf8')).toBe('the real file');
  });
});

describe('removeTemporarySiblingsSync', () => {
  it('removes what a running writeAtomically of this process left, and nothing else', async () => {
    const target = path.join(directory, 'interrupted.mp4');
    const unrelated = path.join(directory, '.interrupted.mp4.notes.partial');
    await writeFile(unrelated, 'not ours');
    let seen = '';
    let leftAfterRemoval = true;
    const error = await writeAtomically(target, async (temporaryPath) => {
      await mkdir(temporaryPath);
      await writeFile(path.join(temporaryPath, 'frame'), 'x');
      seen = temporaryPath;
      removeTemporarySiblingsSync(target);
      leftAfterRemoval = existsSync(temporaryPath);
    }).catch((caught: unknown) => caught);
    // The write found its temporary folder gone when it tried to move it into place.
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(path.dirname(seen)).toBe(directory);
    expect(leftAfterRemoval).toBe(false);
    expect(existsSync(target)).toBe(false);
    expect(await readFile(unrelated, 'utf8')).toBe('not ours');
    expect(path.basename(temporarySiblingPath(target))).toMatch(/^\.interrupted\.mp4\..*\.partial$/);
  });
});
