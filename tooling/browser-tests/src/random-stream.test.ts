import { fileURLToPath } from 'node:url';
import { runInBrowser } from '@mav/browser-harness';
import { RandomStream } from '@mav/tensor';
import { describe, expect, it } from 'vitest';

async function nodeHash(seed: number, stream: number, count: number) {
  const values = new RandomStream({ seed, stream }).normal(count);
  const digest = await crypto.subtle.digest('SHA-256', values.slice().buffer);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

describe('seeded noise is bit-identical in Node and in Chromium', () => {
  it('hashes 10^6 normal values from the same seed and stream to the same SHA-256', async () => {
    const args = { seed: 2022, stream: 7, count: 1_000_000 };
    const { value } = await runInBrowser<{ hash: string; first: number[] }>({
      entry: fileURLToPath(new URL('./entries/random-stream.browser.ts', import.meta.url)),
      args,
      webgpu: false,
    });
    const expected = await nodeHash(args.seed, args.stream, args.count);
    expect(value.hash).toBe(expected);
    expect(value.first).toEqual(Array.from(new RandomStream({ seed: 2022, stream: 7 }).normal(4)));
    // A different stream hashes differently, so equal hashes are not an accident of the harness.
    expect(await nodeHash(args.seed, args.stream + 1, args.count)).not.toBe(expected);
  });
});
