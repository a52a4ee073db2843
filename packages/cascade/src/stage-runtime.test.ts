import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { type Backend, UnsupportedError } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
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
