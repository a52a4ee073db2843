import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTorch, runTrainCommand, temporaryFolder } from './python.js';

interface TokenizerCases {
  maxLength: number;
  padId: number;
  cases: { text: string; ids: number[] }[];
}

let folder = '';

beforeAll(() => {
  requireTorch();
  folder = temporaryFolder('mav-train-tokenizer-');
  runTrainCommand(['fixtures', '--out', folder]);
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('tokenizer.json written by Python', () => {
  it('encodes every prompt like the Python tokenizer through @huggingface/tokenizers', () => {
    const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as object;
    const tokenizer = new Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
    const { maxLength, padId, cases } = read('tokenizer-cases.json') as TokenizerCases;
    expect(cases.length).toBeGreaterThan(5);
    for (const { text, ids } of cases) {
      const encoded = tokenizer.encode(text).ids;
      // the cascade pads to maxLength with padId (tokenizers.js does not apply tokenizer.json's padding)
      const padded = [...encoded, ...Array<number>(Math.max(0, maxLength - encoded.length)).fill(padId)];
      expect(padded, text).toEqual(ids);
    }
  });
});
