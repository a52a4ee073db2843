/**
 * Runs one job on a loaded cascade: 1. decode the uploads, 2. run the mode with the request's options,
 * the job's AbortSignal and progress, 3. write every video in every asked format to the results folder,
 * atomically. A job that fails or is cancelled leaves no file (the ones already written are removed).
 * The cascade's own loop is `Cascade.textToVideo` and its siblings in `@mav/cascade`.
 */
import {
  type Cascade,
  type CascadeResult,
  type GenerateOptions,
  planRun,
  runHeads,
  type StageName,
} from '@mav/cascade';
import { throwIfAborted } from '@mav/tensor';
import { framesFromModelOutput, resizeFrames, type VideoFrames } from '@mav/video-io';
import { writeVideo } from '@mav/video-io/node';
import type { UploadField } from '../api/job-request.js';
import type { ResultFormat } from '../api/video-formats.js';
import type { JobPayload, JobRunner } from '../queue/job-queue.js';
import type { ResultDirectory, ResultFile } from '../results/result-directory.js';
import { imageTensor, videoTensor } from './job-inputs.js';
import { generateOptionsFor, requestedSize } from './job-options.js';
import { ProgressEstimate, plannedStages } from './progress-estimate.js';

/** Runs the mode a request names; `upload` reads a stored upload. */
async function runMode(
  cascade: Cascade,
  payload: JobPayload,
  options: GenerateOptions & { signal: AbortSignal },
  upload: (field: UploadField) => Promise<Uint8Array>,
): Promise<CascadeResult[]> {
  const { request } = payload;
  switch (request.mode) {
    case 'text':
      return [await cascade.textToVideo({ ...options, prompt: request.prompt })];
    case 'animate':
      return [
        await cascade.animateImage({
          ...options,
          image: await imageTensor(cascade, await upload('image')),
          ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
        }),
      ];
    case 'interpolate':
      return [
        await cascade.interpolateImages({
          ...options,
          first: await imageTensor(cascade, await upload('first')),
          last: await imageTensor(cascade, await upload('last')),
          ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
        }),
      ];
    case 'extrapolate': {
      const decoder = cascade.manifest.stages.decoder;
      const { video, fps } = await videoTensor(cascade, await upload('video'), {
        maxFrames: request.inputFrames ?? Math.max(1, Math.floor((decoder?.numFrames ?? 2) / 2)),
        signal: options.signal,
      });
      // The input's own rate, inside the range the decoder was trained on.
      const range = decoder?.fps;
      const clamped = range === undefined ? fps : Math.min(range.max, Math.max(range.min, fps));
      return [
        await cascade.extrapolateVideo({
          ...options,
          fps: options.fps ?? clamped,
          video,
          direction: request.direction,
          ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
        }),
      ];
    }
    case 'variations':
      return cascade.variations({
        ...options,
        count: request.count,
        ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
        ...(request.image === undefined ? {} : { image: await imageTensor(cascade, await upload('image')) }),
      });
  }
}

/** The first stages of a job's run, as the cascade names them. */
function runHeadOf(request: JobPayload['request']): readonly StageName[] {
  switch (request.mode) {
    case 'text':
      return runHeads.textToVideo;
    case 'variations':
      return request.image === undefined ? runHeads.textToVideo : runHeads.imageVariations;
    default:
      return runHeads.fromImage;
  }
}

/**
 * The progress estimate of a job: the stages of the cascade's plan (`planRun`), each weighted by its FLOPs
 * per step (`describe()`) × its planned steps.
 */
function estimateFor(cascade: Cascade, payload: JobPayload, options: GenerateOptions): ProgressEstimate {
  const { request } = payload;
  const plan = planRun(cascade.manifest, options, runHeadOf(request));
  const weights: Partial<Record<StageName, number>> = {};
  for (const stage of cascade.describe(options).stages) {
    weights[stage.name] = stage.flopsPerStep * (plan.steps[stage.name] ?? 1);
  }
  const count = request.mode === 'variations' ? request.count : 1;
  return new ProgressEstimate({
    plan: plannedStages({ mode: request.mode, planStages: plan.stages, count }),
    weights,
  });
}

/** A {@link JobRunner} over one loaded cascade (kept sessions stay warm between jobs). */
export class CascadeJobRunner implements JobRunner {
  readonly cascade: Cascade;
  readonly results: ResultDirectory;

  constructor(options: { readonly cascade: Cascade; readonly results: ResultDirectory }) {
    this.cascade = options.cascade;
    this.results = options.results;
  }

  async run(
    job: { readonly id: string; readonly payload: JobPayload },
    hooks: Parameters<JobRunner['run']>[1],
  ): Promise<ResultFile[]> {
    try {
      return await this.#run(job, hooks);
    } finally {
      await this.results.removeUploads(job.id);
    }
  }

  async discard(id: string): Promise<void> {
    await this.results.removeUploads(id);
  }

  async #run(
    job: { readonly id: string; readonly payload: JobPayload },
    hooks: Parameters<JobRunner['run']>[1],
  ): Promise<ResultFile[]> {
    const { signal } = hooks;
    throwIfAborted(signal, 'The job');
    const { request } = job.payload;
    const options = generateOptionsFor(this.cascade, request, job.payload.seed);
    const estimate = estimateFor(this.cascade, job.payload, options);
    const results = await runMode(
      this.cascade,
      job.payload,
      { ...options, signal, onProgress: (event) => hooks.onProgress(estimate.update(event)) },
      (field) => this.results.readUpload(job.id, field),
    );
    const formats: readonly ResultFormat[] = request.formats ?? ['mp4'];
    const size = requestedSize(request);
    const written: ResultFile[] = [];
    try {
      for (const [position, result] of results.entries()) {
        let frames: VideoFrames = framesFromModelOutput({ tensor: result.video, fps: result.fps });
        result.video.dispose();
        result.imageEmbedding.dispose();
        if (size !== undefined && (frames.width !== size.width || frames.height !== size.height)) {
          frames = resizeFrames(frames, { ...size, fit: 'cover' });
        }
        for (const format of formats) {
          const index = position + 1;
          const path = this.results.pathOf(job.id, index, format);
          // Listed before the write, so that a failure after it reached the folder still removes it.
          const file = { index, format, bytes: 0, numFrames: 0, width: 0, height: 0, fps: frames.fps };
          written.push(file);
          const video = await writeVideo({ frames, path, format, overwrite: true, signal });
          written[written.length - 1] = {
            ...file,
            bytes: this.results.sizeOf(job.id, index, format) ?? 0,
            numFrames: video.numFrames,
            width: video.width,
            height: video.height,
          };
        }
      }
      throwIfAborted(signal, 'The job');
    } catch (error) {
      await this.results.remove(job.id, written);
      throw error;
    }
    return written;
  }
}
