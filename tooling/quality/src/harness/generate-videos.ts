import type { Cascade, StageName, StageTensorEvent } from '@mav/cascade';
import { throwIfAborted } from '@mav/tensor';
import { quantizeVideo } from '../frames/video-frames.js';
import type { GenerationJob, QualityPlan, ScoredStage } from './quality-plan.js';
import { readStoredVideo, type StageVideos, storedVideoFile, writeStoredVideo } from './video-store.js';

/** Progress of the harness: which phase, how far, and (while generating) the cascade's stage steps. */
export interface QualityProgress {
  phase: 'references' | 'generate' | 'score' | 'report';
  done: number;
  total: number;
  /** The job being generated or scored. */
  key?: string;
  /** True when a finished video was read back instead of generated. */
  reused?: boolean;
  stage?: StageName;
  step?: number;
  totalSteps?: number;
}

/** Options of `generateVideos`. */
export interface GenerateVideosOptions {
  plan: QualityPlan;
  cascade: Cascade;
  /** The run's folder: videos are kept under `videos/` and reused by a later run with the same identity. */
  folder: string;
  signal?: AbortSignal;
  onProgress?: (event: QualityProgress) => void;
}

/** What identifies a job's result: the job, the model and the sampling steps. */
export function jobIdentity(plan: QualityPlan, job: GenerationJob): string {
  return JSON.stringify({ job, model: plan.model?.id ?? '', steps: plan.steps });
}

/**
 * Generates every job of the plan through the cascade (text-to-video with every stage's output taken from
 * `onTensor`; text-to-image for 'image' jobs; keyframes only for the fps probe), one job at a time, writing
 * each to the run's folder as soon as it is done. Jobs already there with the same identity are reused.
 */
export async function generateVideos(options: GenerateVideosOptions): Promise<void> {
  const { plan, cascade, folder } = options;
  const total = plan.jobs.length;
  const wanted = new Set<string>(plan.layouts.map((layout) => layout.stage));
  const stages = Object.fromEntries(
    Object.entries(plan.steps)
      .filter(([stage]) => cascade.manifest.stages[stage as StageName] !== undefined)
      .map(([stage, steps]) => [stage, { steps }]),
  );
  for (const [index, job] of plan.jobs.entries()) {
    throwIfAborted(options.signal, 'The quality run');
    const file = storedVideoFile(folder, job.key);
    const identity = jobIdentity(plan, job);
    if (await readStoredVideo(file, identity)) {
      options.onProgress?.({ phase: 'generate', done: index + 1, total, key: job.key, reused: true });
      continue;
    }
    const videos: StageVideos = {};
    const onTensor = (event: StageTensorEvent) => {
      if (event.name === 'output' && wanted.has(event.stage))
        videos[event.stage as ScoredStage] = quantizeVideo(event.tensor);
    };
    const onProgress = (event: { stage: StageName; step: number; totalSteps: number }) =>
      options.onProgress?.({
        phase: 'generate',
        done: index,
        total,
        key: job.key,
        stage: event.stage,
        step: event.step,
        totalSteps: event.totalSteps,
      });
    const common = {
      prompt: job.prompt,
      seed: job.seed,
      stages,
      onTensor,
      onProgress,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    if (job.kind === 'image') {
      const { image } = await cascade.textToImage(common);
      // [1 3 H W] as a one-frame video
      const [, , height, width] = image.dims as number[];
      videos.imageDecoder = quantizeVideo(image.reshape([1, 3, 1, height!, width!]));
    } else {
      await cascade.textToVideo({
        ...common,
        fps: job.fps,
        ...(job.kind === 'probe' ? { stopAfter: 'decoder' as const } : {}),
      });
    }
    await writeStoredVideo(file, job.kind === 'probe' ? { decoder: videos.decoder! } : videos, identity);
    options.onProgress?.({ phase: 'generate', done: index + 1, total, key: job.key, reused: false });
  }
}
