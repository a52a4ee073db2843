/**
 * Atomic output: everything is written to a temporary sibling of the target (same directory, so the final
 * rename stays on one file system and is atomic), then moved into place. On any error or abort the
 * temporary file or directory is removed, so a failed write never leaves a partial file at `path`.
 *
 * Only what this module created is ever removed: a directory at the target is refused, never replaced or
 * emptied (it may be the user's working folder), and so is anything that is not a regular file or a link.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { link, lstat, mkdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { OutputExistsError } from '../errors.js';

/** Options of {@link writeAtomically}. */
export interface WriteAtomicallyOptions {
  /**
   * Replace an existing file (or symbolic link, which is replaced as a link, never followed) at the
   * target: default `true`. With `false` the target must not exist, checked before `write` and again,
   * atomically, when the result is moved into place. A directory is never replaced, whatever this says.
   */
  readonly overwrite?: boolean;
  /** `write` makes a directory (a PNG sequence): then nothing at all may exist at the target. */
  readonly directory?: boolean;
}

const temporarySuffix = '.partial';

function temporaryPrefix(target: string, pid: number): string {
  return `.${path.basename(target)}.${pid}-`;
}

/** A hidden sibling of `target` that no other writer will pick. */
export function temporarySiblingPath(target: string): string {
  return path.join(
    path.dirname(target),
    `${temporaryPrefix(target, process.pid)}${randomBytes(4).toString('hex')}${temporarySuffix}`,
  );
}

/**
 * Removes, synchronously, every temporary sibling of `target` that this process made and has not yet
 * moved into place or removed. For exit handlers that cannot wait for a write to unwind (a second Ctrl-C);
 * an ordinary error or abort already removes them.
 */
export function removeTemporarySiblingsSync(target: string): void {
  const directory = path.dirname(target);
  const prefix = temporaryPrefix(target, process.pid);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return; // no directory, no siblings
  }
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith(temporarySuffix)) {
      rmSync(path.join(directory, name), { recursive: true, force: true });
    }
  }
}

type Existing = 'file' | 'directory' | 'other';

async function existingAt(target: string): Promise<Existing | undefined> {
  try {
    const info = await lstat(target);
    if (info.isDirectory()) return 'directory';
    return info.isFile() || info.isSymbolicLink() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function refusal(target: string, existing: Existing, options: WriteAtomicallyOptions): OutputExistsError {
  const message =
    existing === 'directory'
      ? `${target} is an existing directory; it is never replaced or emptied. Choose a path that does not exist.`
      : existing === 'other'
        ? `${target} exists and is not a regular file (a device, pipe or socket); it is never replaced.`
        : options.directory
          ? `${target} is an existing file; a PNG sequence is written to a new directory, and a file is not replaced by one.`
          : `${target} already exists; pass overwrite: true to replace it.`;
  return new OutputExistsError(target, existing, message);
}

/** Throws when what is at `target` may not be replaced. */
async function refuseExisting(target: string, options: WriteAtomicallyOptions): Promise<void> {
  const existing = await existingAt(target);
  if (existing === undefined) return;
  if (existing === 'file' && !options.directory && (options.overwrite ?? true)) return;
  throw refusal(target, existing, options);
}

/**
 * Calls `write(temporaryPath)`, then moves the result to `target`. Works for a file or, with
 * `directory: true`, a directory (a PNG sequence). Throws `OutputExistsError` before `write` is called
 * when something that may not be replaced is at `target` (see {@link WriteAtomicallyOptions}).
 */
export async function writeAtomically<T>(
  target: string,
  write: (temporaryPath: string) => Promise<T>,
  options: WriteAtomicallyOptions = {},
): Promise<T> {
  await refuseExisting(target, options);
  const temporaryPath = temporarySiblingPath(target);
  try {
    const result = await write(temporaryPath);
    if (options.directory) await moveDirectoryIntoPlace(temporaryPath, target, options);
    else await moveFileIntoPlace(temporaryPath, target, options);
    return result;
  } catch (error) {
    await rm(temporaryPath, { recursive: true, force: true });
    throw error;
  }
}

async function moveFileIntoPlace(
  source: string,
  target: string,
  options: WriteAtomicallyOptions,
): Promise<void> {
  if (options.overwrite === false) {
    // link() fails when anything exists at the target: an atomic "create, never replace".
    try {
      await link(source, target);
      await unlink(source);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw refusal(target, (await existingAt(target)) ?? 'file', options);
      // A file system without hard links: check, then rename (not atomic, but still never a directory).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
    }
  }
  await refuseExisting(target, options);
  try {
    await rename(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST')
      throw refusal(target, 'directory', options);
    throw error;
  }
}

async function moveDirectoryIntoPlace(
  source: string,
  target: string,
  options: WriteAtomicallyOptions,
): Promise<void> {
  // Claim the name with an empty directory of our own (mkdir fails if anything is there), then swap the
  // finished directory in: rename replaces an empty directory atomically, and this one is ours.
  try {
    await mkdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw refusal(target, (await existingAt(target)) ?? 'other', options);
    throw error;
  }
  try {
    await rename(source, target);
  } catch (error) {
    // rmdir removes only an empty directory: ours, unless something was put into it meanwhile.
    await rmdir(target).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw refusal(target, 'directory', options);
    throw error;
  }
}
