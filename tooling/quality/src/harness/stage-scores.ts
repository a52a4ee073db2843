import type { JudgeAttribute, JudgeConfig } from '../judge/judge-config.js';
import { judgeAttributes } from '../judge/judge-config.js';
import { frechetDistance } from '../metrics/frechet-distance.js';
import { inceptionScore, jointProbabilities } from '../metrics/inception-score.js';
import { videoMotion, wasserstein1 } from '../metrics/motion.js';
import { temporalConsistency } from '../metrics/temporal-metrics.js';
import type { PromptItem } from '../prompt-set.js';
import { type JudgedVideo, videoFeatures } from './judged-video.js';
import type { StageLayout } from './quality-plan.js';

/** Accuracy per attribute, and the share of frames with all four right. */
export type AttributeAccuracy = Record<JudgeAttribute | 'allAttributes', number>;

/** Everything the report says about one stage. */
export interface StageScores {
  stage: StageLayout['stage'];
  frames: number;
  resolution: number;
  /** Prompt faithfulness: every item, items with a seen pair, items with a held-out pair. */
  accuracy: { all: AttributeAccuracy; seen: AttributeAccuracy | null; heldOut: AttributeAccuracy | null };
  /** The same on the first reference set of real clips (the ceiling). */
  realAccuracy: AttributeAccuracy;
  /** 1 / classes per attribute (a judge that ignores the prompt). */
  chance: AttributeAccuracy;
  /** Mean cosine of the prompt's CLIP text embedding and the frames' image embeddings; real clips beside. */
  clipSimilarity: { value: number; real: number } | null;
  /** IS on the joint (shape, colour) probabilities; real clips beside; the maximum is 64. */
  inceptionScore: { value: number; real: number; maximum: number };
  /** Fréchet distances on classifier features: per frame (FID-like) and per video (FVD-like), with the floor. */
  frechet: { frame: { value: number; floor: number }; video: { value: number; floor: number } | null };
  /** Video stages: identity kept over time, flicker, motion. */
  temporal: {
    consistency: { value: number; real: number };
    flicker: { value: number; real: number };
    motion: {
      movingShare: number;
      realMovingShare: number;
      meanSpeed: number;
      realMeanSpeed: number;
      speedDistance: number;
      speedDistanceFloor: number;
    };
  } | null;
}

/** Inputs of `scoreStage`: the judged generated videos and the two reference sets, item by item. */
export interface StageScoreInputs {
  layout: StageLayout;
  items: readonly PromptItem[];
  generated: readonly JudgedVideo[];
  referenceA: readonly JudgedVideo[];
  referenceB: readonly JudgedVideo[];
  config: JudgeConfig;
  /** CLIPSIM per item of the generated videos and of reference set A, when the model has CLIP. */
  clip?: { generated: readonly number[]; real: readonly number[] };
}

/** Computes a stage's scores (see `StageScores`). */
export function scoreStage(inputs: StageScoreInputs): StageScores {
  const { layout, items, generated, referenceA, referenceB, config } = inputs;
  const truth = items.map((item) =>
    Object.fromEntries(
      judgeAttributes.map((attribute) => [attribute, config.labels[attribute].indexOf(item[attribute])]),
    ),
  ) as Record<JudgeAttribute, number>[];
  const group = (predicate: (item: PromptItem) => boolean) => {
    const chosen = items.map((item, index) => (predicate(item) ? index : -1)).filter((index) => index >= 0);
    return chosen.length === 0 ? null : accuracy(chosen.map((index) => [generated[index]!, truth[index]!]));
  };
  const isVideo = layout.frames > 1;
  const featureDim = config.featureDim;
  const frameFeatures = (videos: readonly JudgedVideo[], limit?: number) =>
    concat(
      videos.map((video) =>
        limit === undefined ? video.features : video.features.subarray(0, limit * featureDim),
      ),
    );
  // The floor's set has as many frames per item as the generated one (one for the image stage).
  const framesPerItem = generated[0]?.frames ?? 1;
  const joint = (videos: readonly JudgedVideo[]) =>
    concat(
      videos.map((video) =>
        jointProbabilities(
          video.probabilities.shape,
          config.labels.shape.length,
          video.probabilities.colour,
          config.labels.colour.length,
        ),
      ),
    );
  const classes = config.labels.shape.length * config.labels.colour.length;
  const motions = (videos: readonly JudgedVideo[]) =>
    videos.map((video, index) => videoMotion(video.locations, items[index]!.fps * layout.fpsFactor));
  const mean = (values: readonly number[]) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const consistency = (videos: readonly JudgedVideo[]) =>
    mean(videos.map((video) => temporalConsistency(video.predicted.shape, video.predicted.colour)));
  const videoRows = (videos: readonly JudgedVideo[]) =>
    concat(videos.map((video) => videoFeatures(video, featureDim)));

  let temporal: StageScores['temporal'] = null;
  if (isVideo) {
    const motionGenerated = motions(generated);
    const motionA = motions(referenceA);
    const motionB = motions(referenceB);
    temporal = {
      consistency: { value: consistency(generated), real: consistency(referenceA) },
      flicker: {
        value: mean(generated.map((video) => video.flicker)),
        real: mean(referenceA.map((video) => video.flicker)),
      },
      motion: {
        movingShare: mean(motionGenerated.map((motion) => (motion.moves ? 1 : 0))),
        realMovingShare: mean(motionA.map((motion) => (motion.moves ? 1 : 0))),
        meanSpeed: mean(motionGenerated.map((motion) => motion.speed)),
        realMeanSpeed: mean(motionA.map((motion) => motion.speed)),
        speedDistance: wasserstein1(
          motionGenerated.map((m) => m.speed),
          motionA.map((m) => m.speed),
        ),
        speedDistanceFloor: wasserstein1(
          motionB.map((m) => m.speed),
          motionA.map((m) => m.speed),
        ),
      },
    };
  }
  return {
    stage: layout.stage,
    frames: layout.frames,
    resolution: layout.resolution,
    accuracy: {
      all: group(() => true)!,
      seen: group((item) => !item.heldOut),
      heldOut: group((item) => item.heldOut),
    },
    realAccuracy: accuracy(referenceA.map((video, index) => [video, truth[index]!])),
    chance: chance(config),
    clipSimilarity: inputs.clip ? { value: mean(inputs.clip.generated), real: mean(inputs.clip.real) } : null,
    inceptionScore: {
      value: inceptionScore(joint(generated), classes),
      real: inceptionScore(joint(referenceA), classes),
      maximum: classes,
    },
    frechet: {
      frame: {
        value: frechetDistance(frameFeatures(generated), frameFeatures(referenceA), featureDim),
        floor: frechetDistance(
          frameFeatures(referenceB, framesPerItem),
          frameFeatures(referenceA),
          featureDim,
        ),
      },
      video: isVideo
        ? {
            value: frechetDistance(videoRows(generated), videoRows(referenceA), 2 * featureDim),
            floor: frechetDistance(videoRows(referenceB), videoRows(referenceA), 2 * featureDim),
          }
        : null,
    },
    temporal,
  };
}

/** Mean over videos of the share of frames judged right, per attribute and for all four at once. */
export function accuracy(
  videos: readonly (readonly [JudgedVideo, Record<JudgeAttribute, number>])[],
): AttributeAccuracy {
  const sums = { shape: 0, colour: 0, size: 0, background: 0, allAttributes: 0 };
  for (const [video, truth] of videos) {
    for (let frame = 0; frame < video.frames; frame++) {
      let all = true;
      for (const attribute of judgeAttributes) {
        const right = video.predicted[attribute][frame] === truth[attribute];
        if (right) sums[attribute] += 1 / video.frames;
        all &&= right;
      }
      if (all) sums.allAttributes += 1 / video.frames;
    }
  }
  const count = Math.max(1, videos.length);
  return {
    shape: sums.shape / count,
    colour: sums.colour / count,
    size: sums.size / count,
    background: sums.background / count,
    allAttributes: sums.allAttributes / count,
  };
}

function chance(config: JudgeConfig): AttributeAccuracy {
  const result = { allAttributes: 1 } as AttributeAccuracy;
  for (const attribute of judgeAttributes) {
    result[attribute] = 1 / config.labels[attribute].length;
    result.allAttributes *= result[attribute];
  }
  return result;
}

function concat(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
