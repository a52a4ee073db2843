/**
 * Samples the image decoder of an exported cascade from TypeScript (@mav/p3d-layers + @mav/diffusion on
 * onnxruntime-node) for the preview prompts written by `python3 -m mav_train preview`, and writes a PNG
 * contact sheet: one row per prompt pair, three seeds each (left half: prompts 1–6, right half: 7–12).
 *
 *   pnpm --filter @mav/train-parity exec tsx --conditions=@mav/source src/contact-sheet.ts \
 *     <cascade folder> <preview.json> <out.png>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { DpmSolverMultistepScheduler, denoise } from '@mav/diffusion';
import { buildUNet, readSafetensors, type UNetConfig } from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { encode } from 'fast-png';

interface PreviewEntry {
  prompt: string;
  vector: number[];
}

interface DecoderStage {
  config: UNetConfig;
  weights: { file: string }[];
  schedule: { betaSchedule: 'squared-cosine'; predictionType: 'v' };
  guidanceScale: number;
  numInferenceSteps: number;
}

const seedsPerPrompt = 3;
const zoom = 3;

async function main(): Promise<void> {
  const [cascadeFolder, previewFile, outFile] = process.argv.slice(2);
  if (!cascadeFolder || !previewFile || !outFile) {
    throw new Error('usage: contact-sheet.ts <cascade folder> <preview.json> <out.png>');
  }
  const manifest = JSON.parse(readFileSync(join(cascadeFolder, 'manifest.json'), 'utf8'));
  const stage = manifest.stages.imageDecoder as DecoderStage;
  const file = stage.weights[0]!.file;
  const { tensors } = readSafetensors(new Uint8Array(readFileSync(join(cascadeFolder, file))), {
    fileName: file,
  });
  const size = stage.config.sampleSize;
  // guidance runs the unconditional and conditional rows in one batch of 2
  const built = buildUNet({
    config: stage.config,
    weights: tensors,
    weightsFileName: file,
    batch: 2,
    numFrames: 1,
  });
  const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
  await backend.init();
  const session = await backend.createSession(built.modelBytes);
  const { entries } = JSON.parse(readFileSync(previewFile, 'utf8')) as { entries: PreviewEntry[] };
  const dim = entries[0]!.vector.length;
  const samples: Float32Array[] = [];
  for (const entry of entries) {
    for (let seed = 0; seed < seedsPerPrompt; seed++) {
      const scheduler = new DpmSolverMultistepScheduler({
        betaSchedule: stage.schedule.betaSchedule,
        predictionType: stage.schedule.predictionType,
      });
      const { sample } = await denoise({
        session,
        scheduler,
        model: {
          sampleInput: 'sample',
          timestepInput: { name: 'timestep', dtype: 'float32' },
          output: 'model_output',
        },
        guidance: {
          guidanceScale: stage.guidanceScale,
          conditionalFeeds: {
            conditioning_vector: new Tensor({
              dtype: 'float32',
              dims: [1, dim],
              data: Float32Array.from(entry.vector),
            }),
          },
          unconditionalFeeds: { conditioning_vector: new Tensor({ dtype: 'float32', dims: [1, dim] }) },
        },
        numInferenceSteps: stage.numInferenceSteps,
        dims: [1, 3, 1, size, size],
        seed,
      });
      samples.push(sample.data as Float32Array);
    }
  }
  await session.release();
  writeFileSync(outFile, contactSheet(samples, entries.length, size));
}

/** Lays the samples out (prompts 1..n/2 on the left, the rest on the right), each zoomed `zoom`× nearest. */
function contactSheet(samples: Float32Array[], prompts: number, size: number): Uint8Array {
  const rows = Math.ceil(prompts / 2);
  const cell = size * zoom;
  const gap = 4;
  const columns = 2 * seedsPerPrompt;
  const width = columns * cell + (columns + 2) * gap;
  const height = rows * cell + (rows + 1) * gap;
  const pixels = new Uint8Array(width * height * 3).fill(255);
  samples.forEach((sample, index) => {
    const prompt = Math.floor(index / seedsPerPrompt);
    const seed = index % seedsPerPrompt;
    const half = prompt < rows ? 0 : 1;
    const row = prompt % rows;
    const column = half * seedsPerPrompt + seed;
    const left = gap + column * (cell + gap) + half * gap;
    const top = gap + row * (cell + gap);
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const source = Math.floor(y / zoom) * size + Math.floor(x / zoom);
        for (let channel = 0; channel < 3; channel++) {
          const value = (sample[channel * size * size + source]! + 1) * 127.5;
          pixels[((top + y) * width + left + x) * 3 + channel] = Math.max(
            0,
            Math.min(255, Math.round(value)),
          );
        }
      }
    }
  });
  return encode({ width, height, data: pixels, channels: 3, depth: 8 });
}

await main();
