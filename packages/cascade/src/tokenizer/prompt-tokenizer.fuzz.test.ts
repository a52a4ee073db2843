import { editedJson, expectDocumentedErrors, fuzzRuns, type Json, mutatedBytes } from '@mav/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../errors.js';
import { randomCascadeWords, wordLevelTokenizerJson } from '../testing/random-cascade.js';
import { PromptTokenizer, type PromptTokenizerOptions } from './prompt-tokenizer.js';

// The prompt tokenizer's untrusted inputs: any prompt a user types (every UTF-16 string, lone surrogates
// included) and the model's tokenizer.json. A prompt always gives exactly maxLength ids below vocabSize; a
// tokenizer.json either loads or throws ManifestError, and a loaded one encodes without an error.

const tokenizerJson = wordLevelTokenizerJson(randomCascadeWords) as Json;
const options: Omit<PromptTokenizerOptions, 'tokenizerJson'> = {
  maxLength: 8,
  vocabSize: randomCascadeWords.length + 4,
  startToken: '<start>',
  endToken: '<end>',
  padToken: '<pad>',
  unknownToken: '<unk>',
};
const tokenizer = new PromptTokenizer({ tokenizerJson: tokenizerJson as object, ...options });

/** Prompts: any string, or vocabulary words, special tokens and odd separators run together. */
const prompts = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...randomCascadeWords, '<start>', '<end>', '<pad>', '<unk>', 'RED', 'ｒｅｄ'),
        fc.constantFrom(' ', '', '\t', '\n', '\u0000', '\u200b', '\ud800', ',', '<', '>'),
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join('')),
);

const isManifestError = (error: unknown) => ManifestError.isInstance(error);

describe('PromptTokenizer on untrusted input', () => {
  it(`gives maxLength ids below vocabSize for ${fuzzRuns} prompts`, async () => {
    await fc.assert(
      fc.asyncProperty(prompts, async (prompt) => {
        const ids = await expectDocumentedErrors(() => tokenizer.encode(prompt), [], prompt);
        expect(ids).toHaveLength(options.maxLength);
        expect(ids!.every((id) => Number.isInteger(id) && id >= 0 && id < options.vocabSize)).toBe(true);
        expect(ids![0]).toBe(1); // <start>
        expect(ids).toContain(2); // <end>
      }),
      { numRuns: fuzzRuns },
    );
  });

  it(`loads or throws ManifestError for ${fuzzRuns} tokenizer.json files, edited and mutated`, async () => {
    const seed = new TextEncoder().encode(JSON.stringify(tokenizerJson));
    const decoder = new TextDecoder();
    const files = fc.oneof(
      editedJson([tokenizerJson]),
      mutatedBytes([seed], { maxMutations: 2 }).map((bytes): Json | undefined => {
        try {
          return JSON.parse(decoder.decode(bytes)) as Json;
        } catch {
          return undefined; // not JSON: loadModelFiles refuses it before the tokenizer sees it
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(files, fc.constantFrom('a red ball', 'the <end> of it', ''), async (json, prompt) => {
        if (json === undefined) return;
        const text = JSON.stringify(json) ?? '';
        const loaded = await expectDocumentedErrors(
          () => new PromptTokenizer({ tokenizerJson: json as object, ...options }),
          [isManifestError],
          text,
        );
        if (loaded === undefined) return;
        const ids = await expectDocumentedErrors(() => loaded.encode(prompt), [], text);
        expect(ids).toHaveLength(options.maxLength);
      }),
      { numRuns: fuzzRuns },
    );
  });
});
