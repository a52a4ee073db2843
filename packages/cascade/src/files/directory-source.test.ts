import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsFrom, type SafetensorsByteSource, SafetensorsError } from '@mav/p3d-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../errors.js';
import { parseManifest } from '../manifest/parse-manifest.js';
import { createRandomCascade } from '../testing/random-cascade.js';
import { createDirectorySource } from './directory-source.js';
import { loadModelFiles } from './load-model-files.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Peak resident memory of this process so far, in bytes. */
function peakResidentBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * A safetensors file of `dataBytes` data bytes whose first tensor holds `weight` and whose second, a U8
 * `padding`, fills the rest; the file is truncated to its full size, so the padding is a sparse hole of
 * zeros on disk.
 */
async function writeSparseSafetensors(
  path: string,
  weight: Float32Array,
  dataBytes: number,
): Promise<number> {
  const header = {
    weight: { dtype: 'F32', shape: [weight.length], data_offsets: [0, weight.byteLength] },
    padding: {
      dtype: 'U8',
      shape: [dataBytes - weight.byteLength],
      data_offsets: [weight.byteLength, dataBytes],
    },
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = new Uint8Array(8 + json.length + weight.byteLength);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
  prefix.set(new TextEncoder().encode(json), 8);
  prefix.set(new Uint8Array(weight.buffer), 8 + json.length);
  await writeFile(path, prefix);
  const size = 8 + json.length + dataBytes;
  await truncate(path, size);
  return size;
}

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mav-big-weights-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('createDirectorySource with files of 2 GiB and more', () => {
  it('hashes and loads a 2 GiB + 1 MiB file by range, with memory at the weights’ own size', async () => {
    const dataBytes = 2 * GiB + MiB;
    const size = await writeSparseSafetensors(
      join(folder, 'big.safetensors'),
      Float32Array.of(1, 2, 3, 4),
      dataBytes,
    );
    const source = createDirectorySource(folder);
    const baseline = peakResidentBytes();
    const handle = await source.open!('big.safetensors');
    try {
      expect(handle.size).toBe(size);
      // `sha256sum big.safetensors` of this exact file (coreutils).
      expect(await handle.sha256()).toBe('a8eaa475e8cdca7aaf60dcce46ae795328a95129f40a87c7fb856c50d93ac057');
      expect(peakResidentBytes() - baseline).toBeLessThan(256 * MiB);

      let largestRead = 0;
      const recording: SafetensorsByteSource = {
        size: handle.size,
        readInto: (target, position) => {
          largestRead = Math.max(largestRead, target.length);
          return handle.readInto(target, position);
        },
      };
      const { tensors } = await readSafetensorsFrom(recording, { fileName: 'big.safetensors' });
      expect([...tensors.weight!.data]).toEqual([1, 2, 3, 4]);
      expect(tensors.padding!.dtype).toBe('uint8');
      expect(tensors.padding!.size).toBe(dataBytes - 16);
      // No read as large as the file: every piece is at most 64 MiB, straight into the tensors' arrays.
      expect(largestRead).toBeLessThanOrEqual(64 * MiB);
      // The tensors are the file's data bytes; a whole-file buffer and its copies would add 2 GiB each.
      expect(peakResidentBytes() - baseline).toBeLessThan(dataBytes + 512 * MiB);
    } finally {
      await handle.close();
    }
  });

  it('refuses a tensor larger than one typed array, naming the file and the tensor', async () => {
    const path = join(folder, 'huge.safetensors');
    const elements = 2 ** 34; // 64 GiB of float32: past any engine's typed array and this machine's memory
    const json = JSON.stringify({
      huge: { dtype: 'F32', shape: [elements], data_offsets: [0, 4 * elements] },
    });
    const prefix = new Uint8Array(8 + json.length);
    new DataView(prefix.buffer).setBigUint64(0, BigInt(json.length), true);
    prefix.set(new TextEncoder().encode(json), 8);
    await writeFile(path, prefix);
    await truncate(path, prefix.length + 4 * elements);
    const handle = await createDirectorySource(folder).open!('huge.safetensors');
    try {
      const error = await readSafetensorsFrom(handle, { fileName: 'huge.safetensors' }).catch(
        (caught: unknown) => caught,
      );
      expect(SafetensorsError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ fileName: 'huge.safetensors', tensorName: 'huge' });
      expect((error as Error).message).toMatch(
        /^huge\.safetensors, tensor 'huge': the tensor needs one Float32Array/,
      );
    } finally {
      await handle.close();
    }
    // Whole-file reads of a file too large for one buffer name the file too.
    await expect(createDirectorySource(folder).read('huge.safetensors')).rejects.toThrow(
      /The model file 'huge\.safetensors' has \d+ bytes, more than one buffer/,
    );
  });
});

describe('loadModelFiles through a directory source', () => {
  it('hashes and reads weight files by range (never whole), and still checks every SHA-256', async () => {
    const random = await createRandomCascade({ seed: 3, preset: 'tiny' });
    const model = join(folder, 'model');
    await rm(model, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(model);
    for (const [name, bytes] of random.files) await writeFile(join(model, name), bytes);
    const directory = createDirectorySource(model);
    const wholeReads: string[] = [];
    const source = {
      ...directory,
      read: (file: string, options?: { signal?: AbortSignal }) => {
        wholeReads.push(file);
        return directory.read(file, options);
      },
    };
    const manifest = parseManifest(random.manifest);
    const loaded = await loadModelFiles(manifest, source);
    expect(Object.keys(loaded.weights)).toContain('decoder');
    expect(wholeReads).toEqual([manifest.tokenizer.file]);
    expect(loaded.weightBytes.decoder).toBe(random.files.get('decoder.safetensors')!.length);

    const damaged = random.files.get('decoder.safetensors')!.slice();
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    await writeFile(join(model, 'decoder.safetensors'), damaged);
    const error = await loadModelFiles(manifest, source).catch((caught: unknown) => caught);
    expect(ManifestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'sha256-mismatch', file: 'decoder.safetensors' });
  });
});

describe('createDirectorySource when a file changes or cannot be read', () => {
  it('a file cut short after it was opened is a ManifestError (file-changed) naming it, for reads and hashes', async () => {
    const model = join(folder, 'shrinking');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(model, { recursive: true });
    await writeFile(join(model, 'weights.bin'), new Uint8Array(4096).fill(7));
    const source = createDirectorySource(model);
    const handle = await source.open!('weights.bin');
    try {
      await truncate(join(model, 'weights.bin'), 1000);
      const read = await handle.readInto(new Uint8Array(2048), 0).catch((caught: unknown) => caught);
      expect(ManifestError.isInstance(read)).toBe(true);
      expect(read).toMatchObject({ reason: 'file-changed', file: 'weights.bin' });
      expect((read as Error).message).toContain("'weights.bin' ended at byte 1000");
      const hashed = await handle.sha256().catch((caught: unknown) => caught);
      expect(hashed).toMatchObject({ reason: 'file-changed', file: 'weights.bin' });
    } finally {
      await handle.close();
    }
  });

  it('a folder where a file should be is a ManifestError (unreadable-file) naming it', async () => {
    const model = join(folder, 'folder-as-file');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(model, 'weights.bin'), { recursive: true });
    const error = await createDirectorySource(model)
      .read('weights.bin')
      .catch((caught: unknown) => caught);
    expect(ManifestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'unreadable-file', file: 'weights.bin' });
  });
});
