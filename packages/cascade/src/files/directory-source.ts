import { createHash } from 'node:crypto';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { ManifestError } from '../errors.js';
import type { ModelFileHandle, ModelFileSource } from './model-file-source.js';

/** Largest single read from disk (Node's `read` takes at most 2 GiB − 1 bytes per call). */
const readChunkBytes = 64 * 2 ** 20;
/** The buffer the SHA-256 stream reuses. */
const hashChunkBytes = 4 * 2 ** 20;

/**
 * A source that reads files from a model folder (Node). Paths are resolved inside `directory`; a file
 * whose real path (after symlinks) lies outside the folder is refused (`ManifestError` 'path-escape'), a
 * missing one throws 'missing-file', one the file system cannot read 'unreadable-file', one that ends before
 * its size (changed while being read) 'file-changed'. `open` hashes and reads a file by range without a buffer of its
 * size, which is how `loadModelFiles` reads weight files (of 2 GiB and more too); `read` returns a whole
 * file in one buffer, and a file too large for one throws `RangeError` naming it.
 */
export function createDirectorySource(directory: string): ModelFileSource {
  const root = resolve(directory);
  const openFile = async (file: string, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    const path = resolve(root, file);
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
    } catch (error) {
      throw new ManifestError('missing-file', `The model file '${file}' is missing from the model folder.`, {
        file,
        cause: error,
      });
    }
    if (real !== realRoot && !real.startsWith(realRoot + sep)) {
      throw new ManifestError('path-escape', `The model file '${file}' resolves outside the model folder.`, {
        file,
      });
    }
    const fileHandle = await open(real, 'r');
    try {
      const { size } = await fileHandle.stat();
      return fileModelHandle(fileHandle, file, size);
    } catch (error) {
      await fileHandle.close();
      throw error;
    }
  };
  return {
    description: root,
    async read(file, options = {}) {
      const handle = await openFile(file, options.signal);
      try {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(handle.size);
        } catch (error) {
          throw new RangeError(
            `The model file '${file}' has ${handle.size} bytes, more than one buffer of this JavaScript engine can hold (${(error as Error).message}).`,
            { cause: error },
          );
        }
        await handle.readInto(bytes, 0, options.signal);
        return bytes;
      } finally {
        await handle.close();
      }
    },
    open: (file, options = {}) => openFile(file, options.signal),
  };
}

/** A read of `file`; an error of the file system (EIO, EISDIR, ...) becomes `ManifestError` 'unreadable-file'. */
async function readOrThrow<T>(file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new ManifestError(
      'unreadable-file',
      `The model file '${file}' cannot be read: ${(error as Error).message}.`,
      { file, cause: error },
    );
  }
}

function fileModelHandle(
  fileHandle: FileHandle,
  file: string,
  size: number,
): ModelFileHandle & { readInto(target: Uint8Array, position: number, signal?: AbortSignal): Promise<void> } {
  return {
    size,
    async readInto(target: Uint8Array, position: number, signal?: AbortSignal) {
      let done = 0;
      while (done < target.length) {
        if (done > 0) signal?.throwIfAborted();
        const length = Math.min(target.length - done, readChunkBytes);
        const { bytesRead } = await readOrThrow(file, () =>
          fileHandle.read(target, done, length, position + done),
        );
        if (bytesRead === 0) {
          throw new ManifestError(
            'file-changed',
            `The model file '${file}' ended at byte ${position + done}, before the ${target.length} bytes asked for at ${position} (was it changed while being read?).`,
            { file },
          );
        }
        done += bytesRead;
      }
    },
    async sha256(options = {}) {
      const hash = createHash('sha256');
      const buffer = new Uint8Array(Math.min(hashChunkBytes, Math.max(size, 1)));
      for (let position = 0; position < size; ) {
        options.signal?.throwIfAborted();
        const { bytesRead } = await readOrThrow(file, () =>
          fileHandle.read(buffer, 0, buffer.length, position),
        );
        if (bytesRead === 0) {
          throw new ManifestError(
            'file-changed',
            `The model file '${file}' ended at byte ${position} of ${size} while hashing (was it changed while being read?).`,
            { file },
          );
        }
        hash.update(buffer.subarray(0, bytesRead));
        position += bytesRead;
      }
      return hash.digest('hex');
    },
    close: () => fileHandle.close(),
  };
}
