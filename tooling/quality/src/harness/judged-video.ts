import type { Tensor } from '@mav/tensor';
import { framesAsBatch, resizeFrames, type VideoFrames } from '../frames/video-frames.js';
import type { Judge } from '../judge/judge.js';
import { type JudgeAttribute, judgeAttributes } from '../judge/judge-config.js';
import { objectCrops } from '../judge/object-crop.js';
import { locateObjects, type ObjectLocation } from '../metrics/object-locator.js';
import { temporalHighPassEnergy } from '../metrics/temporal-metrics.js';

/** What the judges make of one video (its frames brought to the judges' size). */
export interface JudgedVideo {
  frames: number;
  /** Predicted class index per frame. */
  predicted: Record<JudgeAttribute, Int32Array>;
  /** `[F classes]` probabilities per attribute. */
  probabilities: Record<JudgeAttribute, Float32Array>;
  /** `[F featureDim]` classifier features. */
  features: Float32Array;
  locations: ObjectLocation[];
  /** High-pass temporal energy (flicker) at the judges' size. */
  flicker: number;
  /** The frames at the judges' size `[F 3 s s]` in [−1, 1] (for CLIP), dropped once scored. */
  judgeFrames: Tensor<'float32'>;
}

/**
 * Judges every frame of a video at the judges' frame size: the locator finds the object, the classifier
 * reads the crop centred on it; flicker is measured on the same frames.
 */
export async function judgeVideo(judge: Judge, video: VideoFrames): Promise<JudgedVideo> {
  const judgeFrames = resizeFrames(framesAsBatch(video), judge.config.frameSize);
  const locations = locateObjects(judgeFrames);
  const output = await judge.judge(objectCrops(judgeFrames, locations, judge.config.cropSize));
  const predicted = {} as Record<JudgeAttribute, Int32Array>;
  for (const attribute of judgeAttributes) {
    const classes = judge.config.labels[attribute].length;
    const probabilities = output.probabilities[attribute];
    predicted[attribute] = Int32Array.from({ length: video.frames }, (_, frame) => {
      let best = 0;
      for (let k = 1; k < classes; k++)
        if (probabilities[frame * classes + k]! > probabilities[frame * classes + best]!) best = k;
      return best;
    });
  }
  return {
    frames: video.frames,
    predicted,
    probabilities: output.probabilities,
    features: output.features,
    locations,
    flicker: temporalHighPassEnergy(judgeFrames),
    judgeFrames,
  };
}

/**
 * The video-level features of the FVD-like distance: the mean of the frame features and the mean absolute
 * change of the features between consecutive frames (what the frames show, and how it changes in time).
 */
export function videoFeatures(video: JudgedVideo, featureDim: number): Float64Array {
  const out = new Float64Array(2 * featureDim);
  for (let frame = 0; frame < video.frames; frame++)
    for (let k = 0; k < featureDim; k++) out[k]! += video.features[frame * featureDim + k]! / video.frames;
  if (video.frames > 1)
    for (let frame = 1; frame < video.frames; frame++)
      for (let k = 0; k < featureDim; k++)
        out[featureDim + k]! +=
          Math.abs(video.features[frame * featureDim + k]! - video.features[(frame - 1) * featureDim + k]!) /
          (video.frames - 1);
  return out;
}
