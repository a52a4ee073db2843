import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticClip } from '../test-support/synthetic-clip.js';
import { videoFormats } from '../video-format.js';
import { writeVideo } from './write-video.js';

const frames = syntheticClip({ width: 32, height: 24, numFrames: 12, fps: 8 });
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'mav-video-io-reproducible-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Every file of an output (one file, or the files of a PNG sequence folder) with its bytes. */
async function outputBytes(target: string, sequence: boolean): Promise<Map<string, Buffer>> {
  if (!sequence) return new Map([['', await readFile(target)]]);
  const names = (await readdir(target)).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(path.join(target, name))] as const)),
  );
}

describe('writeVideo is byte-reproducible', () => {
  for (const format of videoFormats) {
    it(`two encodes of the same frames as ${format} are byte-identical`, async () => {
      const outputs: Map<string, Buffer>[] = [];
      for (const run of [1, 2]) {
        const target = path.join(directory, `run-${run}-${format}`);
        await writeVideo({ frames, path: target, format });
        outputs.push(await outputBytes(target, format === 'png'));
      }
      const [first, second] = outputs as [Map<string, Buffer>, Map<string, Buffer>];
      expect([...second.keys()]).toEqual([...first.keys()]);
      expect(first.size).toBeGreaterThan(0);
      for (const [name, bytes] of first) {
        expect(bytes.length, name).toBeGreaterThan(0);
        expect(second.get(name)!.equals(bytes), `${format} ${name} differs between two encodes`).toBe(true);
      }
    });
  }
});
