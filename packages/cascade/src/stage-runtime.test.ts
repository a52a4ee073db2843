import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { type Backend, UnsupportedError } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { unetSessionOptions } from './stages/unet-session-options.js';
import { createRandomCascade } from './testing/random-cascade.js';

describe('the stage runtime checks a graph against its backend', () => {
  it('refuses an op the backend does not declare before any session is created, naming both', async () => {
    const node = createOnnxruntimeNodeBackend({ threads: 1 });
    let sessionsCreated = 0;
    const withoutSoftmax: Backend = {
      specificationVersion: node.specificationVersion,
      name: 'no-softmax',
      capabilities: { ...node.capabilities, ops: node.capabilities.ops.filter((op) => op !== 'Softmax') },
      init: () => node.init(),
      createSession: (model, options) => {
        sessionsCreated++;
        return node.createSession(model, options);
      },
    };
    const random = await createRandomCascade({ seed: 1, preset: 'tiny' });
    const cascade = await loadCascade({
      manifest: random.manifest,
      files: createMemorySource(random.files),
      backends: { default: withoutSoftmax },
    });
    try {
      const error = await cascade.textToVideo({ prompt: 'a red circle' }).catch((caught: unknown) => caught);
      expect(UnsupportedError.isInstance(error), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/textEncoder graph uses ONNX operator Softmax/);
      expect((error as Error).message).toContain("'no-softmax'");
      expect(sessionsCreated).toBe(0);
    } finally {
      await cascade.dispose();
    }
  });
});

describe('UNet sessions skip the blocked-layout optimisation below 32 channels', () => {
  it('unetSessionOptions: level extended below 32 base channels, the backend default from 32', () => {
    const config = {
      inChannels: 3,
      outChannels: 3,
      sampleSize: 32,
      channelMultipliers: [1, 2],
      resBlocksPerLevel: 1,
      attentionLevels: [],
      attentionHeads: 2,
      normGroups: 4,
      temporalLayers: true,
    };
    expect(unetSessionOptions({ ...config, baseChannels: 16 })).toEqual({
      graphOptimizationLevel: 'extended',
    });
    expect(unetSessionOptions({ ...config, baseChannels: 28 })).toEqual({
      graphOptimizationLevel: 'extended',
    });
    expect(unetSessionOptions({ ...config, baseChannels: 32 })).toEqual({});
    expect(unetSessionOptions({ ...config, baseChannels: 64 })).toEqual({});
  });

  it('the cascade passes each UNet stage its options, and every session its label', async () => {
    const node = createOnnxruntimeNodeBackend({ threads: 1 });
    const created = new Map<string, Set<string>>();
    const recording: Backend = {
      specificationVersion: node.specificationVersion,
      name: 'recording',
      capabilities: node.capabilities,
      init: () => node.init(),
      createSession: (model, options) => {
        const label = options?.label ?? '(none)';
        const levels = created.get(label) ?? new Set<string>();
        levels.add(options?.graphOptimizationLevel ?? 'default');
        created.set(label, levels);
        return node.createSession(model, options);
      },
    };
    // The tiny random cascade's UNets are 4 to 8 channels wide.
    const random = await createRandomCascade({ seed: 1, preset: 'tiny' });
    const cascade = await loadCascade({
      manifest: random.manifest,
      files: createMemorySource(random.files),
      backends: { default: recording },
    });
    try {
      await cascade.textToVideo({ prompt: 'a red circle' });
    } finally {
      await cascade.dispose();
    }
    expect(Object.fromEntries([...created].map(([label, levels]) => [label, [...levels]]))).toEqual({
      textEncoder: ['default'],
      prior: ['default'],
      decoder: ['extended'],
      interpolation: ['extended'],
      superResolutionLow: ['extended'],
      superResolutionHigh: ['extended'],
    });
  });
});
