/**
 * A PNG contact sheet of every mode of a model folder, made by the product (@mav/cascade on
 * onnxruntime-node, the manifest's steps and guidance): one row per run, 8 evenly spaced frames of the final
 * video (the text-to-image row: the image, then its super-resolved version). The inputs of the image and
 * video modes come from the model itself (text-to-image stills, the text-to-video run), so the sheet needs
 * nothing but the folder:
 *
 *   pnpm --filter @mav/train-parity exec tsx --conditions=@mav/source src/modes-sheet.ts <model> <out.png>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { loadCascade } from '@mav/cascade/node';
import type { Tensor } from '@mav/tensor';
import { encode } from 'fast-png';

const cell = 96;
const gap = 4;
const framesPerRow = 8;

interface Row {
  label: string;
  /** `[1 3 F H W]` or `[1 3 H W]` tensors in [−1, 1]; frames are taken evenly from each in turn. */
  frames: Array<{ data: Float32Array; width: number; height: number }>;
}

/** Frame `index` of a `[1 3 F H W]` video (or the image `[1 3 H W]`) as planar RGB. */
function frameOf(tensor: Tensor<'float32'>, index: number) {
  const video = tensor.dims.length === 5;
  const height = tensor.dims.at(-2)!;
  const width = tensor.dims.at(-1)!;
  const frames = video ? tensor.dims[2]! : 1;
  const data = new Float32Array(3 * height * width);
  for (let channel = 0; channel < 3; channel++)
    data.set(
      tensor.data.subarray(
        (channel * frames + index) * height * width,
        (channel * frames + index + 1) * height * width,
      ),
      channel * height * width,
    );
  return { data, width, height };
}

function evenFrames(video: Tensor<'float32'>, count = framesPerRow) {
  const frames = video.dims[2]!;
  return Array.from({ length: Math.min(count, frames) }, (_, index) =>
    frameOf(video, Math.round((index * (frames - 1)) / Math.max(1, Math.min(count, frames) - 1))),
  );
}

/** Nearest-neighbour placement of each frame into a `cell`² square (area-true for the 32..128 sizes). */
function sheet(rows: readonly Row[]): Uint8Array {
  const width = framesPerRow * cell + (framesPerRow + 1) * gap;
  const height = rows.length * cell + (rows.length + 1) * gap;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, rowIndex) => {
    row.frames.forEach((frame, column) => {
      const left = gap + column * (cell + gap);
      const top = gap + rowIndex * (cell + gap);
      for (let y = 0; y < cell; y++)
        for (let x = 0; x < cell; x++) {
          const sx = Math.floor((x * frame.width) / cell);
          const sy = Math.floor((y * frame.height) / cell);
          for (let channel = 0; channel < 3; channel++) {
            const value = frame.data[(channel * frame.height + sy) * frame.width + sx]!;
            pixels[((top + y) * width + left + x) * 3 + channel] = Math.round(
              Math.min(1, Math.max(0, (value + 1) / 2)) * 255,
            );
          }
        }
    });
  });
  return encode({ width, height, data: pixels, channels: 3, depth: 8 });
}

async function main(): Promise<void> {
  const [folder, out] = process.argv.slice(2);
  if (!folder || !out) throw new Error('usage: modes-sheet.ts <model folder> <out.png>');
  const cascade = await loadCascade({
    manifest: readFileSync(join(folder, 'manifest.json'), 'utf8'),
    files: folder,
    backends: { default: createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 }) },
    keepSessions: true,
  });
  const rows: Row[] = [];
  const log = (label: string) => console.error(`${new Date().toISOString()} ${label}`);
  try {
    const textPrompt = 'a big red circle on a pale blue background';
    log('text to video');
    const text = await cascade.textToVideo({ prompt: textPrompt, seed: 1 });
    rows.push({ label: `text: "${textPrompt}"`, frames: evenFrames(text.video) });

    log('text to image');
    const stills: Tensor<'float32'>[] = [];
    for (const [prompt, seed] of [
      ['a large yellow star on a black background', 2],
      ['a big green square on a white background', 3],
      ['a big green square on a white background', 4],
      ['a small purple heart on a grey background', 5],
    ] as const) {
      stills.push((await cascade.textToImage({ prompt, seed, superResolution: true })).image);
    }
    rows.push({ label: 'text to image (SR_l, SR_h)', frames: stills.map((image) => frameOf(image, 0)) });

    log('animate');
    const animated = await cascade.animateImage({ image: stills[0]!, seed: 6 });
    rows.push({ label: 'animate: the yellow star still', frames: evenFrames(animated.video) });

    log('interpolate');
    const between = await cascade.interpolateImages({ first: stills[1]!, last: stills[2]!, seed: 7 });
    rows.push({ label: 'interpolate: two green-square stills', frames: evenFrames(between.video) });

    log('extrapolate');
    const extended = await cascade.extrapolateVideo({ video: text.video, direction: 'forward', seed: 8 });
    rows.push({ label: 'extrapolate: the text row forward', frames: evenFrames(extended.video) });

    log('variations');
    const variations = await cascade.variations({ image: stills[3]!, count: 2, seed: 9 });
    for (const [index, variation] of variations.entries())
      rows.push({
        label: `variation ${index + 1} of the purple heart still`,
        frames: evenFrames(variation.video),
      });
  } finally {
    await cascade.dispose();
  }
  writeFileSync(out, sheet(rows));
  console.log(rows.map((row, index) => `row ${index + 1}: ${row.label}`).join('\n'));
}

await main();
