import { describe, expect, it } from 'vitest';
import { randomCascadeWords, wordLevelTokenizerJson } from '../testing/random-cascade.js';
import { PromptTokenizer } from './prompt-tokenizer.js';

const words = randomCascadeWords;
const options = {
  tokenizerJson: wordLevelTokenizerJson(words),
  maxLength: 8,
  vocabSize: words.length + 4,
  startToken: '<start>',
  endToken: '<end>',
  padToken: '<pad>',
};
const id = (word: string) => words.indexOf(word) + 4;
const [pad, start, end, unknown] = [0, 1, 2, 3];

describe('PromptTokenizer.analyze', () => {
  it('gives [start] ids… end pad… and names nothing lost for a known prompt', () => {
    const tokenizer = new PromptTokenizer({ ...options, unknownToken: '<unk>' });
    const analysis = tokenizer.analyze('A Red circle');
    expect(analysis.ids).toEqual([start, id('a'), id('red'), id('circle'), end, pad, pad, pad]);
    expect(analysis).toMatchObject({ unknownWords: [], truncatedTokens: 0, maxTokens: 6, empty: false });
    expect(tokenizer.encode('A Red circle')).toEqual(analysis.ids);
  });

  it('names the words outside the vocabulary, keeping the unknown token in their place', () => {
    const tokenizer = new PromptTokenizer({ ...options, unknownToken: '<unk>' });
    const analysis = tokenizer.analyze('a zebra, dancing circle');
    expect(analysis.unknownWords).toEqual(['zebra', ',', 'dancing']);
    expect(analysis.ids.slice(0, 6)).toEqual([start, id('a'), unknown, unknown, unknown, id('circle')]);
  });

  it('without an unknown token drops the unknown words but still names them', () => {
    const tokenizer = new PromptTokenizer(options);
    const analysis = tokenizer.analyze('a zebra circle');
    expect(analysis.unknownWords).toEqual(['zebra']);
    expect(analysis.ids.slice(0, 4)).toEqual([start, id('a'), id('circle'), end]);
  });

  it('counts the tokens cut off past the context and keeps exactly one end token', () => {
    const tokenizer = new PromptTokenizer(options);
    const analysis = tokenizer.analyze('a red circle and a blue square and a star');
    expect(analysis.truncatedTokens).toBe(10 - 6);
    expect(analysis.ids).toHaveLength(8);
    expect(analysis.ids.filter((value) => value === end)).toHaveLength(1);
    expect(analysis.ids.at(-1)).toBe(end);
  });

  it('says when a prompt is empty or only spaces', () => {
    const tokenizer = new PromptTokenizer(options);
    for (const prompt of ['', '   \t ']) expect(tokenizer.analyze(prompt).empty).toBe(true);
    expect(tokenizer.analyze(' a ').empty).toBe(false);
  });

  it('lists the vocabulary without the special tokens', () => {
    const tokenizer = new PromptTokenizer({ ...options, unknownToken: '<unk>' });
    expect(tokenizer.vocabulary()).toEqual([...words]);
  });

  it('drops special tokens typed in the prompt, so there is exactly one end token', () => {
    const tokenizer = new PromptTokenizer({ ...options, unknownToken: '<unk>' });
    const ids = tokenizer.analyze('a <end> red <pad> <start>').ids;
    expect(ids).toEqual([start, id('a'), id('red'), end, pad, pad, pad, pad]);
  });
});
