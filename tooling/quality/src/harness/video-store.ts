import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readSafetensors, writeSafetensors } from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { QualityError } from '../errors.js';
import type { VideoFrames } from '../frames/video-frames.js';
import type { ScoredStage } from './quality-plan.js';

/** A generated job's outputs, one 8-bit video per stage that ran. */
export type StageVideos = Partial<Record<ScoredStage, VideoFrames>>;

/** Where a job's videos are kept in a run's folder. */
export function storedVideoFile(folder: string, key: string): string {
  return join(folder, 'videos', `${key}.safetensors`);
}

/**
 * Writes a job's videos as safetensors (uint8 `[3 F H W]` per stage name) with `identity` (what made them:
 * job, model id, steps) in the metadata; written to a temporary name and renamed, so an interrupted run
 * never leaves a half file that a resumed run would take as finished.
 */
export async function writeStoredVideo(file: string, videos: StageVideos, identity: string): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [stage, video] of Object.entries(videos)) {
    tensors[stage] = new Tensor({
      dtype: 'uint8',
      dims: [3, video.frames, video.height, video.width],
      data: video.data,
    });
  }
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  await writeFile(partial, writeSafetensors(tensors, { identity }));
  await rename(partial, file);
}

/** A job's stored videos when the file exists and was made with `identity`; otherwise undefined. */
export async function readStoredVideo(file: string, identity: string): Promise<StageVideos | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) return undefined;
  let contents: ReturnType<typeof readSafetensors>;
  try {
    contents = readSafetensors(new Uint8Array(bytes), { fileName: file });
  } catch (cause) {
    throw new QualityError(
      'invalid-stored-video',
      `${file} is not a stored video (${(cause as Error).message}); delete it to regenerate.`,
      {
        file,
        cause,
      },
    );
  }
  if (contents.metadata.identity !== identity) return undefined;
  const videos: StageVideos = {};
  for (const [stage, tensor] of Object.entries(contents.tensors)) {
    const [, frames, height, width] = tensor.dims as number[];
    videos[stage as ScoredStage] = {
      frames: frames!,
      height: height!,
      width: width!,
      data: tensor.data as Uint8Array,
    };
  }
  return videos;
}
