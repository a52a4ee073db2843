import { Tensor } from '@mav/tensor';
import { encode } from 'fast-png';
import { evenlySpacedFrames, framesAsBatch, resizeFrames, type VideoFrames } from '../frames/video-frames.js';

/** Options of `contactSheet`. */
export interface ContactSheetOptions {
  /** One row per item: for each stage (in order), its video (or undefined when the stage did not run). */
  rows: readonly (readonly (VideoFrames | undefined)[])[];
  /** Frames shown per stage. Default 8. */
  framesPerStage?: number;
  /** Side of one frame's cell. Default 64. */
  cell?: number;
}

/**
 * A PNG of frame strips: one row per item, one strip of evenly spaced frames per stage, each frame shown at
 * `cell`² (nearest-neighbour enlargement of smaller frames, area or bilinear reduction of larger ones).
 */
export function contactSheet(options: ContactSheetOptions): Uint8Array {
  const perStage = options.framesPerStage ?? 8;
  const cell = options.cell ?? 64;
  const gap = 2;
  const stageGap = 8;
  const stages = Math.max(...options.rows.map((row) => row.length), 1);
  // each stage's strip is as wide as its longest video needs (a text-to-image column holds one frame)
  const slots = Array.from({ length: stages }, (_, stage) =>
    Math.max(1, ...options.rows.map((row) => Math.min(perStage, row[stage]?.frames ?? 0))),
  );
  const starts = slots.map((_, stage) =>
    slots.slice(0, stage).reduce((sum, count) => sum + count * (cell + gap) + stageGap, stageGap),
  );
  const width = starts.at(-1)! + slots.at(-1)! * (cell + gap) + stageGap;
  const height = options.rows.length * (cell + gap * 2) + gap * 2;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  options.rows.forEach((row, rowIndex) => {
    const top = gap * 2 + rowIndex * (cell + gap * 2);
    row.forEach((video, stageIndex) => {
      if (!video) return;
      const indices = evenlySpacedFrames(video.frames, perStage);
      const frames = displayFrames(framesAsBatch(video, indices), cell);
      indices.forEach((_, slot) => {
        const left = starts[stageIndex]! + slot * (cell + gap);
        for (let channel = 0; channel < 3; channel++)
          for (let y = 0; y < cell; y++)
            for (let x = 0; x < cell; x++) {
              const value = frames.data[((slot * 3 + channel) * cell + y) * cell + x]!;
              pixels[((top + y) * width + left + x) * 3 + channel] = Math.max(
                0,
                Math.min(255, Math.round((value + 1) * 127.5)),
              );
            }
      });
    });
  });
  return encode({ width, height, data: pixels, channels: 3, depth: 8 });
}

function displayFrames(batch: Tensor<'float32'>, cell: number): Tensor<'float32'> {
  const [count, channels, size] = batch.dims as number[];
  if (size! >= cell || cell % size! !== 0) return resizeFrames(batch, cell);
  const factor = cell / size!;
  const out = new Tensor({ dtype: 'float32', dims: [count!, channels!, cell, cell] });
  for (let plane = 0; plane < count! * channels!; plane++)
    for (let y = 0; y < cell; y++)
      for (let x = 0; x < cell; x++)
        out.data[(plane * cell + y) * cell + x] =
          batch.data[(plane * size! + Math.floor(y / factor)) * size! + Math.floor(x / factor)]!;
  return out;
}
