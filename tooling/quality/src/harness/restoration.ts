import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cascade } from '@mav/cascade';
import { Tensor } from '@mav/tensor';
import { extendVideo, linearBlend, nearestFrame } from '../frames/restoration-baselines.js';
import type { VideoFrames } from '../frames/video-frames.js';
import {
  bicubicVideo,
  clampVideo,
  type ImageQuality,
  pickFrames,
  range,
  reduceVideo,
  videoQuality,
  videoTensor,
} from '../frames/video-tensors.js';
import type { PromptItem } from '../prompt-set.js';
import type { ClipRequest } from '../reference-clips.js';
import type { QualityPlan } from './quality-plan.js';

export type { ImageQuality } from '../frames/video-tensors.js';

/** ↑F, extrapolation, animation and the SR stages on real held-out clips, each beside its baselines. */
export interface RestorationScores {
  items: string[];
  /** Every 5th real frame given, the rest filled: ↑F vs linear blending and the nearest keyframe. */
  interpolation: { model: ImageQuality; linear: ImageQuality; nearest: ImageQuality } | null;
  /** The first half of the real keyframes given, the rest made: vs the last frame continued / repeated. */
  extrapolation: { model: ImageQuality; linear: ImageQuality; nearest: ImageQuality } | null;
  /** The first real frame given, the keyframes made: vs the first frame repeated. */
  animation: { model: ImageQuality; nearest: ImageQuality } | null;
  /** Real frames area-reduced to the stage's input size, restored: vs bicubic upsampling. */
  superResolutionLow: { model: ImageQuality; bicubic: ImageQuality } | null;
  superResolutionHigh: { model: ImageQuality; bicubic: ImageQuality } | null;
}

/** Frames of the SR_h check per item (SR_h runs per frame). */
const superResolutionHighFrames = 4;

/** The real clips the restoration checks need, for the plan's restoration items (empty without a model). */
export function restorationRequests(plan: QualityPlan, cascade: Cascade | undefined): ClipRequest[] {
  if (!cascade || plan.source !== 'cascade') return [];
  const { stages } = cascade.manifest;
  const decoder = stages.decoder ?? stages.imageDecoder;
  if (!decoder) return [];
  const skip = stages.interpolation?.frameSkip ?? 1;
  const keyframes = stages.decoder?.numFrames ?? 16;
  const requests: ClipRequest[] = [];
  for (const item of restorationItems(plan)) {
    const clip = (name: string, fps: number, numFrames: number, resolution: number): ClipRequest => ({
      key: `${item.id}/restore/${name}`,
      shape: item.shape,
      colour: item.colour,
      size: item.size,
      background: item.background,
      seed: item.seed,
      variant: 0,
      fps,
      numFrames,
      resolution,
    });
    requests.push(clip('interpolated', item.fps * skip, (keyframes - 1) * skip + 1, decoder.resolution));
    if (stages.superResolutionLow)
      requests.push(clip('low', item.fps * skip, keyframes, stages.superResolutionLow.resolution));
    if (stages.superResolutionHigh)
      requests.push(
        clip('high', item.fps * skip, superResolutionHighFrames, stages.superResolutionHigh.resolution),
      );
  }
  return requests;
}

/** Options of `scoreRestoration`. */
export interface ScoreRestorationOptions {
  plan: QualityPlan;
  cascade: Cascade;
  clips: ReadonlyMap<string, VideoFrames>;
  /** Per-item results are kept here and reused by a resumed run with the same model and steps. */
  folder: string;
  signal?: AbortSignal;
}

type ItemRestoration = {
  [Check in keyof Omit<RestorationScores, 'items'>]: Record<string, ImageQuality> | null;
};

/**
 * Restores real held-out clips with the model's ↑F (interpolation, extrapolation, animation) and SR stages,
 * conditioned on the CLIP image embedding of the real middle keyframe and the prompt, and scores each
 * against the real frames next to its baselines (mean over the restoration items). Null for checks the
 * model cannot run; null altogether without an image encoder (no embedding to condition on).
 */
export async function scoreRestoration(options: ScoreRestorationOptions): Promise<RestorationScores | null> {
  const { plan, cascade } = options;
  const { stages } = cascade.manifest;
  if (!stages.imageEncoder || !(stages.decoder ?? stages.imageDecoder)) return null;
  const items = restorationItems(plan);
  const results: ItemRestoration[] = [];
  for (const item of items) {
    const file = join(options.folder, 'restoration', `${item.id}.json`);
    const identity = JSON.stringify({ item, model: plan.model?.id ?? '', steps: plan.steps });
    const stored = JSON.parse((await readFile(file, 'utf8').catch(() => 'null')) as string) as {
      identity: string;
      result: ItemRestoration;
    } | null;
    if (stored?.identity === identity) {
      results.push(stored.result);
      continue;
    }
    const result = await restoreItem(options, item);
    await mkdir(join(options.folder, 'restoration'), { recursive: true });
    await writeFile(file, JSON.stringify({ identity, result }));
    results.push(result);
  }
  const mean = <Check extends keyof ItemRestoration>(check: Check) => {
    const present = results.map((result) => result[check]).filter((entry) => entry !== null);
    if (present.length === 0) return null;
    const names = Object.keys(present[0]!);
    return Object.fromEntries(
      names.map((name) => [
        name,
        {
          psnr: present.reduce((sum, entry) => sum + entry[name]!.psnr, 0) / present.length,
          ssim: present.reduce((sum, entry) => sum + entry[name]!.ssim, 0) / present.length,
        },
      ]),
    );
  };
  return {
    items: items.map((item) => item.id),
    interpolation: mean('interpolation') as RestorationScores['interpolation'],
    extrapolation: mean('extrapolation') as RestorationScores['extrapolation'],
    animation: mean('animation') as RestorationScores['animation'],
    superResolutionLow: mean('superResolutionLow') as RestorationScores['superResolutionLow'],
    superResolutionHigh: mean('superResolutionHigh') as RestorationScores['superResolutionHigh'],
  };
}

async function restoreItem(options: ScoreRestorationOptions, item: PromptItem): Promise<ItemRestoration> {
  const { cascade, plan } = options;
  const { stages } = cascade.manifest;
  const clip = (name: string) => options.clips.get(`${item.id}/restore/${name}`);
  const interpolated = videoTensor(clip('interpolated')!);
  const skip = stages.interpolation?.frameSkip ?? 1;
  const keyframes = pickFrames(interpolated, range(0, interpolated.dims[2]!, skip));
  const count = keyframes.dims[2]!;
  const middle = pickFrames(keyframes, [Math.floor(count / 2)]);
  const [, , , size] = middle.dims as number[];
  const imageEmbedding = await cascade.components.imageEncoder.encode(middle.reshape([1, 3, size!, size!]));
  const text = await cascade.components.textEncoder.encode([item.prompt, '']);
  const row = (tensor: Tensor<'float32'>, index: number) => {
    const rowSize = tensor.size / tensor.dims[0]!;
    return new Tensor({
      dtype: 'float32',
      dims: [1, ...tensor.dims.slice(1)],
      data: tensor.data.slice(index * rowSize, (index + 1) * rowSize),
    });
  };
  const seed = BigInt(item.seed) * 256n;
  const conditioning = (stage: keyof typeof plan.steps, offset: bigint) => ({
    imageEmbedding,
    textTokens: row(text.tokens, 0),
    emptyTokens: row(text.tokens, 1),
    seed: seed + offset,
    steps: plan.steps[stage],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const generateOptions = {
    prompt: item.prompt,
    seed: item.seed,
    stopAfter: 'decoder' as const,
    stages: Object.fromEntries(Object.entries(plan.steps).map(([stage, steps]) => [stage, { steps }])),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const result: ItemRestoration = {
    interpolation: null,
    extrapolation: null,
    animation: null,
    superResolutionLow: null,
    superResolutionHigh: null,
  };
  if (stages.interpolation && skip > 1) {
    const filled = clampVideo(
      await cascade.components.interpolation.interpolate({
        ...conditioning('interpolation', 4n),
        keyframes,
        frameSkip: skip,
        fps: item.fps * skip,
      }),
    );
    // only the frames that were not given count
    const between = range(0, interpolated.dims[2]!, 1).filter((frame) => frame % skip !== 0);
    const truth = pickFrames(interpolated, between);
    result.interpolation = {
      model: videoQuality(pickFrames(filled, between), truth),
      linear: videoQuality(pickFrames(linearBlend(keyframes, skip), between), truth),
      nearest: videoQuality(pickFrames(nearestFrame(keyframes, skip), between), truth),
    };
  }
  if (stages.interpolation && stages.decoder) {
    const given = Math.floor(count / 2);
    const later = range(given, count, 1);
    const truth = pickFrames(keyframes, later);
    const { video } = await cascade.extrapolateVideo({
      ...generateOptions,
      video: pickFrames(keyframes, range(0, given, 1)),
      direction: 'forward',
      numFrames: count,
      fps: item.fps,
    });
    const head = pickFrames(keyframes, range(0, given, 1));
    result.extrapolation = {
      model: videoQuality(pickFrames(video, later), truth),
      linear: videoQuality(extendVideo(head, count - given, 'linear'), truth),
      nearest: videoQuality(extendVideo(head, count - given, 'nearest'), truth),
    };
    const first = pickFrames(keyframes, [0]);
    const animated = await cascade.animateImage({
      ...generateOptions,
      image: first.reshape([1, 3, size!, size!]),
      numFrames: count,
      fps: item.fps,
    });
    const rest = range(1, count, 1);
    result.animation = {
      model: videoQuality(pickFrames(animated.video, rest), pickFrames(keyframes, rest)),
      nearest: videoQuality(extendVideo(first, count - 1, 'nearest'), pickFrames(keyframes, rest)),
    };
  }
  for (const [stage, name, offset] of [
    ['superResolutionLow', 'low', 5n],
    ['superResolutionHigh', 'high', 6n],
  ] as const) {
    const entry = stages[stage];
    const real = clip(name);
    if (!entry || !real) continue;
    const truth = videoTensor(real);
    const inputSize =
      stage === 'superResolutionLow'
        ? (stages.decoder ?? stages.imageDecoder)!.resolution
        : stages.superResolutionLow?.resolution;
    if (!inputSize) continue;
    const input = reduceVideo(truth, inputSize);
    const restored = clampVideo(
      await cascade.components[stage].upscale({
        ...conditioning(stage, offset),
        video: input,
        fps: item.fps * skip,
      }),
    );
    result[stage] = {
      model: videoQuality(restored, truth),
      bicubic: videoQuality(clampVideo(bicubicVideo(input, entry.resolution)), truth),
    };
  }
  return result;
}

function restorationItems(plan: QualityPlan): PromptItem[] {
  const byId = new Map(plan.promptSet.items.map((item) => [item.id, item]));
  return plan.promptSet.restoration.map((id) => byId.get(id)!);
}
