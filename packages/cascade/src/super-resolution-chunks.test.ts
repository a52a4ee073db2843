import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import type { Backend } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import type { ModelManifest } from './manifest/manifest-schema.js';
import type { StageProgress } from './stages/stage-context.js';
import { createRandomCascade } from './testing/random-cascade.js';

/** onnxruntime-node, counting the SR_h sessions it creates and releases. */
function countingBackend() {
  const node = createOnnxruntimeNodeBackend({ threads: 1 });
  const counts = { created: 0, released: 0 };
  const backend: Backend = {
    specificationVersion: node.specificationVersion,
    name: 'counting',
    capabilities: node.capabilities,
    init: () => node.init(),
    createSession: async (model, options) => {
      const session = await node.createSession(model, options);
      if (options?.label !== 'superResolutionHigh') return session;
      counts.created++;
      const release = session.release.bind(session);
      session.release = async () => {
        counts.released++;
        await release();
      };
      return session;
    },
  };
  return { backend, counts };
}

async function run(frameBatch: number | undefined) {
  const random = await createRandomCascade({ seed: 4, preset: 'tiny' });
  const manifest = structuredClone(random.manifest) as ModelManifest;
  if (frameBatch === undefined) delete manifest.stages.superResolutionHigh!.frameBatch;
  else manifest.stages.superResolutionHigh!.frameBatch = frameBatch;
  const { backend, counts } = countingBackend();
  const cascade = await loadCascade({
    manifest,
    files: createMemorySource(random.files),
    backends: { default: backend },
  });
  const progress: StageProgress[] = [];
  try {
    const result = await cascade.textToVideo({
      prompt: 'a red circle',
      seed: 9,
      stages: { superResolutionHigh: { steps: 3 } },
      onProgress: (event) => {
        if (event.stage === 'superResolutionHigh') progress.push(event);
      },
    });
    return { video: result.video, progress, sessions: counts };
  } finally {
    await cascade.dispose();
  }
}

describe('SR_h in chunks of frameBatch frames', () => {
  it('gives the same video as one batch, with one progress count over all chunks', async () => {
    const whole = await run(undefined);
    const chunked = await run(3);
    const frames = whole.video.dims[2]!;
    expect(frames).toBeGreaterThan(3);
    expect(chunked.video.dims).toEqual(whole.video.dims);
    let maxDiff = 0;
    for (let index = 0; index < whole.video.size; index++)
      maxDiff = Math.max(maxDiff, Math.abs(whole.video.data[index]! - chunked.video.data[index]!));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);

    expect(whole.progress.map((event) => event.step)).toEqual([1, 2, 3]);
    const chunks = Math.ceil(frames / 3);
    expect(chunked.progress.map((event) => event.step)).toEqual(
      Array.from({ length: chunks * 3 }, (_, index) => index + 1),
    );
    expect(new Set(chunked.progress.map((event) => event.totalSteps))).toEqual(new Set([chunks * 3]));
    const elapsed = chunked.progress.map((event) => event.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));

    // One session per chunk size (full chunks of 3, and the shorter last one), each released at the end.
    expect(whole.sessions).toEqual({ created: 1, released: 1 });
    expect(chunked.sessions).toEqual({
      created: frames % 3 === 0 ? 1 : 2,
      released: frames % 3 === 0 ? 1 : 2,
    });
  });
});
