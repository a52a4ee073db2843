/**
 * Atomic output: everything is written to a temporary sibling of the target (same directory, so the final
 * rename stays on one file system and is atomic), then renamed into place. On any error or abort the
 * temporary file or directory is removed, so a failed write never leaves a partial file at `path`.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A hidden sibling of `target` that no other writer will pick. */
export function temporarySiblingPath(target: string): string {
  const directory = path.dirname(target);
  const base = path.basename(target);
  return path.join(directory, `.${base}.${process.pid}-${randomBytes(4).toString('hex')}.partial`);
}

/**
 * Calls `write(temporaryPath)`, then moves the result to `target`. Works for a file or a directory
 * (a PNG sequence); an existing directory at `target` is replaced only after the new one is complete.
 */
export async function writeAtomically<T>(
  target: string,
  write: (temporaryPath: string) => Promise<T>,
): Promise<T> {
  const temporaryPath = temporarySiblingPath(target);
  try {
    const result = await write(temporaryPath);
    await moveIntoPlace(temporaryPath, target);
    return result;
  } catch (error) {
    await rm(temporaryPath, { recursive: true, force: true });
    throw error;
  }
}

async function moveIntoPlace(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR') throw error;
    // A directory is in the way (re-writing a PNG sequence): swap it out, then delete it.
    const previous = temporarySiblingPath(target);
    await rename(target, previous);
    await rename(source, target);
    await rm(previous, { recursive: true, force: true });
  }
}
