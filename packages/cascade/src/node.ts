/**
 * `@mav/cascade/node`: what only Node has — reading a model folder from disk, and a default memory limit from
 * the machine's memory.
 */
import { totalmem } from 'node:os';
import type { Cascade } from './cascade.js';
import { createDirectorySource } from './files/directory-source.js';
import type { ModelFileSource } from './files/model-file-source.js';
import { type LoadCascadeOptions, loadCascade as loadCascadeAnywhere } from './load-cascade.js';

export { createDirectorySource } from './files/directory-source.js';

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
