import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade } from './testing/random-cascade.js';

const backend = createOnnxruntimeNodeBackend({ threads: 2 });

describe('textToVideo on the tiny random cascade', () => {
  it('runs every stage with the configured shapes', async () => {
    const random = await createRandomCascade({ seed: 1, preset: 'tiny' });
    const cascade = await loadCascade({
      manifest: random.manifest,
      files: createMemorySource(random.files),
      backends: { default: backend },
    });
    const events: string[] = [];
    const result = await cascade.textToVideo({
      prompt: 'a red circle',
      seed: 3,
      onProgress: (event) => events.push(`${event.stage}:${event.step}/${event.totalSteps}`),
    });
    expect(result.stages).toEqual([
      'textEncoder',
      'prior',
      'decoder',
      'interpolation',
      'superResolutionLow',
      'superResolutionHigh',
    ]);
    expect(result.video.dims).toEqual([1, 3, 76, 32, 32]);
    expect(result.fps).toBe(20);
    expect(events).toContain('decoder:2/2');
  }, 120_000);
});
