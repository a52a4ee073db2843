/**
 * The results folder: shared by the service and every worker (a local folder, or a network mount on a
 * fleet). A file is written atomically by `writeVideo` (hidden temporary sibling, renamed when complete)
 * and named only from values the service made and checked: the job id (a UUID), the index and the format.
 * The uploads of queued jobs wait in its `.uploads/` folder until their job ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type UploadField, uploadFields } from '../api/job-request.js';
import { type ResultFormat, videoFormats } from '../api/video-formats.js';
import { ServiceConfigError } from '../service-config-error.js';

/** One file a finished job wrote. */
export interface ResultFile {
  readonly index: number;
  readonly format: ResultFormat;
  readonly bytes: number;
  readonly numFrames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for the job ids the service makes (lower-case UUIDs). */
export function isJobId(value: string): boolean {
  return uuidPattern.test(value);
}

/** Where results go, and where they are read back from. */
export class ResultDirectory {
  readonly root: string;

  /** Creates the folder when missing; `ServiceConfigError` when it cannot be used. */
  constructor(root: string) {
    this.root = resolve(root);
    try {
      mkdirSync(this.root, { recursive: true });
    } catch (error) {
      throw new ServiceConfigError(
        `cannot create the results folder ${this.root}: ${(error as Error).message}`,
      );
    }
    if (!statSync(this.root).isDirectory()) {
      throw new ServiceConfigError(`the results path ${this.root} is not a folder.`);
    }
  }

  /** The file of a job's `index`-th video in `format`. Throws `TypeError` on anything but a checked value. */
  pathOf(id: string, index: number, format: ResultFormat): string {
    if (!isJobId(id)) throw new TypeError(`id must be a job id (a UUID), got ${JSON.stringify(id)}.`);
    if (!Number.isSafeInteger(index) || index < 1 || index > 1000) {
      throw new RangeError(`index must be an integer from 1 to 1000, got ${String(index)}.`);
    }
    if (!videoFormats.includes(format))
      throw new TypeError(`format must be one of ${videoFormats.join(', ')}.`);
    return join(this.root, `${id}-${index}.${format}`);
  }

  /** The size of a complete result file, or undefined when it is not (or no longer) there. */
  sizeOf(id: string, index: number, format: ResultFormat): number | undefined {
    const info = statSync(this.pathOf(id, index, format), { throwIfNoEntry: false });
    return info?.isFile() ? info.size : undefined;
  }

  /** Where upload `field` of job `id` waits. */
  uploadPath(id: string, field: UploadField): string {
    if (!isJobId(id)) throw new TypeError(`id must be a job id (a UUID), got ${JSON.stringify(id)}.`);
    if (!uploadFields.includes(field))
      throw new TypeError(`field must be one of ${uploadFields.join(', ')}.`);
    return join(this.root, '.uploads', `${id}-${field}`);
  }

  /** Stores an upload for the worker that will run the job (written whole, then renamed). */
  async storeUpload(id: string, field: UploadField, bytes: Uint8Array): Promise<void> {
    const path = this.uploadPath(id, field);
    await mkdir(join(this.root, '.uploads'), { recursive: true });
    const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  }

  /** The bytes of a stored upload. */
  async readUpload(id: string, field: UploadField): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.uploadPath(id, field)));
  }

  /** Removes a job's stored uploads (once it has ended: done, failed or cancelled). */
  async removeUploads(id: string): Promise<void> {
    await Promise.all(uploadFields.map((field) => rm(this.uploadPath(id, field), { force: true })));
  }

  /** Removes the given files of a job (a failed or cancelled job leaves none). */
  async remove(id: string, files: readonly { index: number; format: ResultFormat }[]): Promise<void> {
    await Promise.all(files.map((file) => rm(this.pathOf(id, file.index, file.format), { force: true })));
  }
}
