import { describe, expect, it } from 'vitest';
import { QualityError } from './errors.js';
import { loadPromptSet, parsePromptSet } from './prompt-set.js';

describe('prompt sets', () => {
  it('quick: every shape and colour once, half the pairs held out, fps spread over 1–30, a probe at 4 and 24', async () => {
    const set = await loadPromptSet('quick');
    expect(set.items).toHaveLength(8);
    expect(new Set(set.items.map((item) => item.shape)).size).toBe(8);
    expect(new Set(set.items.map((item) => item.colour)).size).toBe(8);
    expect(set.items.filter((item) => item.heldOut)).toHaveLength(4);
    const fps = set.items.map((item) => item.fps);
    expect(Math.min(...fps)).toBe(1);
    expect(Math.max(...fps)).toBe(30);
    expect(set.fpsProbe.fps).toEqual([4, 24]);
    for (const item of set.items) expect(item.prompt).toContain(`${item.colour} ${item.shape}`);
  });

  it('full: 16 prompts × 3 seeds, each (shape, colour) pair with its held-out colour and a seen one', async () => {
    const set = await loadPromptSet('full');
    expect(set.items).toHaveLength(48);
    expect(new Set(set.items.map((item) => item.seed)).size).toBe(48);
    expect(new Set(set.items.map((item) => `${item.shape}/${item.colour}`)).size).toBe(16);
    expect(set.items.filter((item) => item.heldOut)).toHaveLength(24);
    expect(set.fpsProbe.items).toHaveLength(16);
  });

  it('names every problem of a bad set in one QualityError', () => {
    const bad = JSON.stringify({
      format: 'mav-quality-prompts',
      version: 1,
      name: 'bad',
      steps: {},
      items: [
        {
          id: 'a',
          prompt: 'x',
          shape: 'star',
          colour: 'red',
          size: 'small',
          background: 'sky',
          heldOut: 'no',
          seed: -1,
          fps: 0,
        },
      ],
      fpsProbe: { fps: [4, 24], items: [{ id: 'p', prompt: 'x', of: 'zzz', seed: 1 }] },
    });
    let error: unknown;
    try {
      parsePromptSet(bad, 'bad.json');
    } catch (caught) {
      error = caught;
    }
    expect(QualityError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    for (const part of [
      'items[0].heldOut',
      'items[0].seed',
      'items[0].fps',
      "fpsProbe.items[0].of: no item 'zzz'",
    ])
      expect(message).toContain(part);
  });
});
