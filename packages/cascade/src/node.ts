/**
 * `@mav/cascade/node`: what only Node has — reading a model folder from disk, and a default memory limit from
 * the machine's memory.
 */
import { readFile, realpath } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { resolve, sep } from 'node:path';
import type { Cascade } from './cascade.js';
import { ManifestError } from './errors.js';
import type { ModelFileSource } from './files/model-file-source.js';
import { type LoadCascadeOptions, loadCascade as loadCascadeAnywhere } from './load-cascade.js';

/**
 * A source that reads files from a model folder. Paths are resolved inside `directory`; a file whose real
 * path (after symlinks) lies outside the folder is refused (`ManifestError` 'path-escape'), a missing one
 * throws 'missing-file'.
 */
export function createDirectorySource(directory: string): ModelFileSource {
  const root = resolve(directory);
  return {
    description: root,
    async read(file, options = {}) {
      options.signal?.throwIfAborted();
      const path = resolve(root, file);
      let real: string;
      let realRoot: string;
      try {
        [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
      } catch (error) {
        throw new ManifestError(
          'missing-file',
          `The model file '${file}' is missing from the model folder.`,
          { file, cause: error },
        );
      }
      if (real !== realRoot && !real.startsWith(realRoot + sep)) {
        throw new ManifestError(
          'path-escape',
          `The model file '${file}' resolves outside the model folder.`,
          { file },
        );
      }
      const bytes = await readFile(real, options.signal ? { signal: options.signal } : {});
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}

/** The default `memoryLimitBytes` in Node: 70% of the machine's memory (`os.totalmem()`). */
export function defaultMemoryLimitBytes(): number {
  return Math.floor(totalmem() * 0.7);
}

/**
 * `loadCascade` for Node: `memoryLimitBytes` defaults to `defaultMemoryLimitBytes()` (70% of the machine's
 * memory), and `files` may be a directory path.
 */
export async function loadCascade(
  options: Omit<LoadCascadeOptions, 'files'> & { files: ModelFileSource | string },
): Promise<Cascade> {
  return loadCascadeAnywhere({
    ...options,
    files: typeof options.files === 'string' ? createDirectorySource(options.files) : options.files,
    memoryLimitBytes: options.memoryLimitBytes ?? defaultMemoryLimitBytes(),
  });
}
