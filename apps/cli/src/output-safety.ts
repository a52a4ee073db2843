/**
 * Nothing lost: before any work starts, checks that writing a result to its output path destroys nothing
 * and can succeed. Refused (exit 6): an existing folder (`.`, `dir.mp4/`: mav never replaces or empties a
 * folder; a PNG frame sequence always goes to a new one), a symbolic link, a device or pipe, a file that is
 * also an input of the command (compared by device and inode, so other spellings and hard links count),
 * an existing file without `--force`, and a parent folder that is not a folder or not writable.
 */
import { accessSync, constants, lstatSync, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';
import { exitCodes } from './exit-codes.js';
import { displayPath, type OutputTarget } from './output-target.js';

/** An input file of the command, resolved (see `checkInputFile`). */
export interface CheckedInput {
  /** As the user typed it, for messages. */
  readonly given: string;
  readonly path: string;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    // ENOTDIR: a file stands where a folder of the path should be; the walk up finds and names it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function refuse(message: string): never {
  throw new CliError(exitCodes.output, message);
}

/** The parent must be a folder this process may create files in, or a path whose folders it may create. */
function checkParent(target: OutputTarget, shown: string, cwd: string): void {
  // The nearest folder that exists: the parent itself, or the ancestor the missing folders are made in.
  let folder = dirname(target.path);
  let info = lstatOrUndefined(folder);
  while (info === undefined && dirname(folder) !== folder) {
    folder = dirname(folder);
    info = lstatOrUndefined(folder);
  }
  const folderShown = displayPath(cwd, folder);
  if (info === undefined || !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    refuse(`cannot write '${shown}': '${folderShown}' is not a folder.`);
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    refuse(`cannot write '${shown}': the folder '${folderShown}' is not writable (${code}).`);
  }
}

/**
 * Throws a `CliError` (exit 6) when writing `target` could lose data or cannot work; see the module
 * comment for the rules. `force` allows replacing an existing regular file that is no input.
 */
export function checkOutputIsSafe(options: {
  readonly target: OutputTarget;
  readonly cwd: string;
  readonly force: boolean;
  readonly inputs: readonly CheckedInput[];
  /** The path as the user typed it (default: relative to `cwd`). */
  readonly given?: string;
}): void {
  const { target, cwd, force, inputs } = options;
  const shown = options.given ?? displayPath(cwd, target.path);
  const existing = lstatOrUndefined(target.path);
  if (existing !== undefined) {
    if (existing.isSymbolicLink()) {
      refuse(
        `'${shown}' is a symbolic link; mav neither writes through a link nor replaces one. Give another path.`,
      );
    }
    if (existing.isDirectory()) {
      refuse(
        `'${shown}' is an existing folder; mav never replaces or empties a folder. Give a file name such as out.mp4, or a new folder name for PNG frames.`,
      );
    }
    if (!existing.isFile()) refuse(`'${shown}' exists and is not a regular file (a device, pipe or socket).`);
    for (const input of inputs) {
      const info = statSync(input.path, { throwIfNoEntry: false });
      if (info !== undefined && info.dev === existing.dev && info.ino === existing.ino) {
        refuse(
          `'${shown}' is also an input of this command ('${input.given}'); write the result to another file.`,
        );
      }
    }
    if (target.format === 'png') {
      refuse(
        `'${shown}' is an existing file; PNG frames are written to a new folder. Give a name that does not exist.`,
      );
    }
    if (!force) refuse(`'${shown}' already exists; pass --force (or --overwrite) to replace it.`);
  }
  checkParent(target, shown, cwd);
}
