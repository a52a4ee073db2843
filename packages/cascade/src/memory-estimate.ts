import {
  resolveUNetConfig,
  transformerFlops,
  transformerParameterCount,
  type UNetConfig,
  unetFlops,
  unetParameterCount,
} from '@mav/p3d-layers';
import type { ModelManifest, StageName } from './manifest/manifest-schema.js';
import { planRows, type RunPlan } from './run-plan.js';
import { interpolationWindows } from './stages/interpolation-stage.js';

/** One stage as `describe()` and the memory estimate see it. */
export interface StageDescription {
  name: StageName;
  parameterCount: number;
  /** FLOPs of one sampling step (one model run, guidance batch included). */
  flopsPerStep: number;
  /** Output height and width (0 for the encoders and the prior). */
  resolution: number;
  /** Frames the stage outputs (0 for the encoders and the prior). */
  frames: number;
  /** Estimated bytes while the stage runs (see `estimateStageBytes`). */
  estimatedBytes: number;
}

/** The shape a UNet stage runs at. */
export interface UNetRunShape {
  rows: number;
  numFrames: number;
  height: number;
  width: number;
}

const float32 = 4;

/**
 * Estimated bytes of a stage while it runs:
 *
 *     weights      = 3 × 4 × parameters      (the host tensors, the ONNX model bytes, the runtime's copy)
 *     activations  = 4 × rows × F × Σ_l (H W / 4^l) × B·m_l × 6
 *                  + 4 × rows × F × heads × max_l∈attention (H W / 4^l)²     (spatial attention scores)
 *                  + 4 × rows × (H W) × heads × F²                           (temporal attention scores)
 *     io           = 4 × 8 × rows × 3 × F × H × W    (sample, prediction, scheduler state, feeds, output copies)
 *
 * (B: base channels, m_l the channel multiplier of level l; 6 live tensors per level is what onnxruntime
 * holds at the peak of a res block with its skip.) Transformer stages count weights and 4 × rows × n² × heads
 * for attention plus 16 × rows × n × width for the states.
 */
export function estimateUNetBytes(config: UNetConfig, shape: UNetRunShape): number {
  const resolved = resolveUNetConfig(config);
  const { rows, numFrames, height, width } = shape;
  const weights = 3 * float32 * unetParameterCount(config);
  let features = 0;
  let attention = 0;
  resolved.channelMultipliers.forEach((multiplier, level) => {
    const pixels = (height * width) / 4 ** level;
    features += pixels * resolved.baseChannels * multiplier * 6;
    if (resolved.attentionLevels.includes(level)) attention = Math.max(attention, pixels * pixels);
  });
  const activations =
    float32 * rows * numFrames * features +
    float32 * rows * numFrames * resolved.attentionHeads * attention +
    (resolved.temporalLayers
      ? float32 * rows * height * width * resolved.attentionHeads * numFrames * numFrames
      : 0);
  const io = float32 * 8 * rows * 3 * numFrames * height * width;
  return weights + activations + io;
}

/** Estimated bytes of a transformer stage (see `estimateUNetBytes`). */
export function estimateTransformerBytes(
  parameters: number,
  rows: number,
  length: number,
  width: number,
  heads: number,
): number {
  return (
    3 * float32 * parameters + float32 * rows * heads * length * length + 16 * float32 * rows * length * width
  );
}

/** Describes every stage a run plan uses: parameters, FLOPs per step, output size and estimated bytes. */
export function describeStages(manifest: ModelManifest, plan: RunPlan): StageDescription[] {
  const { stages } = manifest;
  const descriptions: StageDescription[] = [];
  const rowsOf = (stage: StageName, batch: number) => planRows(plan, stage, batch);
  let frames = plan.numFrames;
  let resolution = stages.decoder?.resolution ?? stages.imageDecoder?.resolution ?? 1;
  const lastSuperResolution = plan.stages.includes('superResolutionHigh')
    ? 'superResolutionHigh'
    : 'superResolutionLow';
  for (const name of plan.stages) {
    switch (name) {
      case 'textEncoder':
      case 'imageEncoder':
      case 'prior': {
        const entry =
          name === 'textEncoder'
            ? stages.textEncoder
            : name === 'imageEncoder'
              ? stages.imageEncoder!
              : stages.prior!;
        const network =
          name === 'textEncoder'
            ? ({ kind: 'textEncoder', config: stages.textEncoder.network } as const)
            : name === 'imageEncoder'
              ? ({ kind: 'imageEncoder', config: stages.imageEncoder!.network } as const)
              : ({ kind: 'prior', config: stages.prior!.network } as const);
        const rows = name === 'prior' ? rowsOf('prior', 1) : 2;
        const parameterCount = transformerParameterCount(network);
        const length =
          name === 'textEncoder'
            ? stages.textEncoder.network.maxLength
            : name === 'prior'
              ? stages.prior!.network.textLength + 4
              : (stages.imageEncoder!.network.imageSize / stages.imageEncoder!.network.patchSize) ** 2 + 1;
        const { width, heads } = entry.network;
        descriptions.push({
          name,
          parameterCount,
          flopsPerStep: transformerFlops(network, { batch: rows }),
          resolution: 0,
          frames: 0,
          estimatedBytes: estimateTransformerBytes(parameterCount, rows, length, width, heads),
        });
        break;
      }
      default: {
        const entry = stages[name]!;
        let shape: UNetRunShape;
        if (name === 'imageDecoder') {
          shape = { rows: rowsOf(name, 1), numFrames: 1, height: resolution, width: resolution };
        } else if (name === 'decoder') {
          shape = { rows: rowsOf(name, 1), numFrames: frames, height: resolution, width: resolution };
        } else if (name === 'interpolation') {
          const windows = interpolationWindows({
            keyframes: frames,
            windowKeyframes: stages.interpolation!.windowKeyframes,
            frameSkip: plan.frameSkip,
          });
          shape = {
            rows: rowsOf(name, windows.count),
            numFrames: windows.frames,
            height: resolution,
            width: resolution,
          };
          frames = windows.outputFrames;
        } else {
          const base = (entry as { resolution: number }).resolution;
          resolution = name === lastSuperResolution && plan.outputSize !== undefined ? plan.outputSize : base;
          shape =
            name === 'superResolutionHigh'
              ? {
                  rows: rowsOf(name, Math.min(plan.superResolutionHighRows ?? frames, frames)),
                  numFrames: 1,
                  height: resolution,
                  width: resolution,
                }
              : { rows: rowsOf(name, 1), numFrames: frames, height: resolution, width: resolution };
        }
        descriptions.push({
          name,
          parameterCount: unetParameterCount(entry.network),
          flopsPerStep: unetFlops(entry.network, { ...shape, batch: shape.rows }),
          resolution,
          frames,
          estimatedBytes:
            estimateUNetBytes(entry.network, shape) + float32 * 3 * frames * resolution * resolution * 2,
        });
      }
    }
  }
  return descriptions;
}
