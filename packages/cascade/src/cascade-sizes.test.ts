import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createMemorySource } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade } from './testing/random-cascade.js';
import { recordingBackend } from './testing-backend.js';

// The paper's base: 16 keyframes at 64², ↑F with frame skip 5 → 76 frames. Its SR sizes (256², then 768²)
// take well over a minute here even with minimal networks (measured: 128²/256² ≈ 31 s on 2 cores, SR_l^t
// and SR_h growing ×4 and ×9 at 256²/768²), so SR_l^t and SR_h are configured at 2× each: 128², 256².
const resolutions = { decoder: 64, superResolutionLow: 128, superResolutionHigh: 256 };

describe('paper-like configured sizes (minimal random networks, 1 step per stage)', () => {
  it('16×64² keyframes → 76 frames (skip 5) → SR_l^t 128² → SR_h 256² per frame', async () => {
    const random = await createRandomCascade({ seed: 2, preset: 'small', resolutions, networks: 'minimal' });
    const recorder = recordingBackend(createOnnxruntimeNodeBackend({ threads: 2 }));
    const cascade = await loadCascade({
      manifest: JSON.stringify(random.manifest),
      files: createMemorySource(random.files),
      backends: { default: recorder.backend },
    });
    const stages = cascade.describe().stages.map((stage) => [stage.name, stage.frames, stage.resolution]);
    expect(stages.slice(2)).toEqual([
      ['decoder', 16, 64],
      ['interpolation', 76, 64],
      ['superResolutionLow', 76, 128],
      ['superResolutionHigh', 76, 256],
    ]);
    const result = await cascade.textToVideo({ prompt: 'a red circle', seed: 1 });
    // What each stage's network was fed (the decoder runs 2 rows: classifier-free guidance).
    const sampleDims = (label: string) =>
      recorder.runs.filter((run) => run.label === label).map((run) => run.feeds.sample!.dims);
    expect(sampleDims('decoder')).toEqual([[2, 3, 16, 64, 64]]);
    expect(sampleDims('interpolation')).toEqual([[15, 3, 6, 64, 64]]); // 15 windows of 6 frames
    expect(sampleDims('superResolutionLow')).toEqual([[1, 3, 76, 128, 128]]);
    expect(sampleDims('superResolutionHigh')).toEqual([[76, 3, 1, 256, 256]]); // frames in the batch
    expect(result.video.dims).toEqual([1, 3, 76, 256, 256]);
    expect(result.fps).toBe(20);
    await cascade.dispose();
  }, 180_000);
});
