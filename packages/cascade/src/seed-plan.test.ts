import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { stageNames } from './manifest/manifest-schema.js';
import { stageRandomness, stageStreams } from './seed-plan.js';
import type { StageTensorEvent } from './stages/stage-context.js';
import { createRandomCascade } from './testing/random-cascade.js';

describe('the seed plan', () => {
  it('gives distinct (seed, stage, variation, purpose) distinct random streams', () => {
    const seen = new Map<string, string>();
    for (const seed of [0, 1, 2, 3, 4, 5, 255, 256, 1024, 2 ** 40])
      for (const stage of stageNames)
        for (const variation of [0, 1, 2, 3, 4, 300])
          for (const purpose of Object.values(stageStreams)) {
            const random = stageRandomness({ seed, stage, variation });
            const key = `${random.seed}/${random.streamOffset + BigInt(purpose)}`;
            const owner = `${seed}/${stage}/${variation}/${purpose}`;
            expect(seen.get(key), `${owner} shares ${key}`).toBeUndefined();
            seen.set(key, owner);
          }
  });

  it('variations do not repeat the noise of another seed', async () => {
    const random = await createRandomCascade({ seed: 3, preset: 'tiny' });
    const cascade = await loadCascade({
      manifest: JSON.stringify(random.manifest),
      files: createMemorySource(random.files),
      backends: { default: createOnnxruntimeNodeBackend({ threads: 1 }) },
    });
    try {
      // Every noise tensor a run draws, by stage and purpose.
      const noiseOf = async (run: (onTensor: (event: StageTensorEvent) => void) => Promise<unknown>) => {
        const noise: Float32Array[] = [];
        await run((event) => {
          if (event.name !== 'output' && event.name !== 'embedding' && event.name !== 'tokens')
            noise.push(event.tensor.data.slice());
        });
        return noise;
      };
      const options = { prompt: 'a red circle', stopAfter: 'decoder' as const };
      const [variation] = await Promise.all([
        noiseOf((onTensor) => cascade.variations({ ...options, seed: 0, count: 1, onTensor })),
      ]);
      // The variation's decoder noise (its last draw) against every draw of seeds 0 … 8.
      const decoderNoise = variation!.at(-1)!;
      for (let seed = 0; seed <= 8; seed++) {
        const draws = await noiseOf((onTensor) => cascade.textToVideo({ ...options, seed, onTensor }));
        for (const draw of draws)
          expect(draw, `variation 1 of seed 0 draws the noise of seed ${seed}`).not.toEqual(decoderNoise);
      }
    } finally {
      await cascade.dispose();
    }
  });
});
