/**
 * Runs the text-to-image part of an exported cascade in TypeScript (@huggingface/tokenizers, @mav/p3d-layers
 * and @mav/diffusion on onnxruntime-node) for the preview prompts written by `python3 -m mav_train preview`:
 * tokenizer.json → text encoder → prior (DDIM, x₀ prediction) → image decoder (DPM-Solver++, v prediction,
 * classifier-free guidance with a zero unconditional vector), and writes a PNG contact sheet: one row per
 * prompt pair, three seeds each (left half: prompts 1–6, right half: 7–12).
 *
 *   pnpm --filter @mav/train-parity exec tsx --conditions=@mav/source src/contact-sheet.ts \
 *     <cascade folder> <preview.json> <out.png>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { DdimScheduler, DpmSolverMultistepScheduler, denoise } from '@mav/diffusion';
import {
  buildTransformer,
  buildUNet,
  type PriorConfig,
  readSafetensors,
  type TextEncoderConfig,
  type UNetConfig,
} from '@mav/p3d-layers';
import { Tensor } from '@mav/tensor';
import { encode } from 'fast-png';

interface PreviewEntry {
  prompt: string;
}

interface Manifest {
  tokenizer: { file: string; config: string; maxLength: number; padId: number };
  stages: Record<string, { config: unknown; weights: { file: string }[]; numInferenceSteps: number }>;
}

function loadWeights(folder: string, file: string) {
  // a plain Uint8Array: readSafetensors' `bytes.slice()` is a view, not a copy, on a pooled Node Buffer
  return readSafetensors(new Uint8Array(readFileSync(join(folder, file))), { fileName: file }).tensors;
}

/** √D · x / ‖x‖: the scaled unit embeddings the cascade passes between stages (manifest `embeddingScale`). */
function scaled(values: Float32Array): Float32Array {
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
  return values.map((value) => (value * Math.sqrt(values.length)) / norm);
}

/** Prompt → scaled CLIP image embedding through the tokenizer, the text encoder and the prior. */
async function textToImageEmbedding(
  folder: string,
  manifest: Manifest,
  backend: ReturnType<typeof createOnnxruntimeNodeBackend>,
  prompts: string[],
): Promise<Float32Array[]> {
  const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as object;
  const tokenizer = new Tokenizer(read(manifest.tokenizer.file), read(manifest.tokenizer.config));
  const textStage = manifest.stages.textEncoder!;
  const textConfig = textStage.config as TextEncoderConfig;
  const textSession = await backend.createSession(
    buildTransformer({
      network: { kind: 'textEncoder', config: textConfig },
      weights: loadWeights(folder, textStage.weights[0]!.file),
    }).modelBytes,
  );
  const priorStage = manifest.stages.prior!;
  const priorConfig = priorStage.config as PriorConfig;
  const priorSession = await backend.createSession(
    buildTransformer({
      network: { kind: 'prior', config: priorConfig },
      weights: loadWeights(folder, priorStage.weights[0]!.file),
    }).modelBytes,
  );
  const { maxLength, padId } = manifest.tokenizer;
  const vocabSize = textConfig.vocabSize;
  const embeddings: Float32Array[] = [];
  for (const [index, prompt] of prompts.entries()) {
    const ids = tokenizer.encode(prompt).ids.slice(0, maxLength);
    while (ids.length < maxLength) ids.push(padId);
    const oneHot = new Float32Array(maxLength * vocabSize);
    ids.forEach((id, position) => {
      oneHot[position * vocabSize + id] = 1;
    });
    const text = await textSession.run({
      input_one_hot: new Tensor({ dtype: 'float32', dims: [1, maxLength, vocabSize], data: oneHot }),
    });
    const textEmbedding = scaled(text.text_embeds!.data as Float32Array);
    const { sample } = await denoise({
      session: priorSession,
      scheduler: new DdimScheduler({ betaSchedule: 'squared-cosine', predictionType: 'sample' }),
      model: {
        sampleInput: 'sample',
        timestepInput: { name: 'timestep', dtype: 'float32' },
        output: 'model_output',
        constantFeeds: {
          text_embedding: new Tensor({
            dtype: 'float32',
            dims: [1, textEmbedding.length],
            data: textEmbedding,
          }),
          text_tokens: text.last_hidden_state!,
        },
      },
      numInferenceSteps: priorStage.numInferenceSteps,
      dims: [1, priorConfig.embeddingDim],
      seed: 1000 + index,
    });
    embeddings.push(scaled(sample.data as Float32Array));
  }
  await textSession.release();
  await priorSession.release();
  return embeddings;
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
  const manifest = JSON.parse(readFileSync(join(cascadeFolder, 'manifest.json'), 'utf8')) as Manifest;
  const stage = manifest.stages.imageDecoder as unknown as DecoderStage;
  const file = stage.weights[0]!.file;
  const size = stage.config.sampleSize;
  const backend = createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 });
  await backend.init();
  const { entries } = JSON.parse(readFileSync(previewFile, 'utf8')) as { entries: PreviewEntry[] };
  const vectors = await textToImageEmbedding(
    cascadeFolder,
    manifest,
    backend,
    entries.map((entry) => entry.prompt),
  );
  const dim = vectors[0]!.length;
  // guidance runs the unconditional and conditional rows in one batch of 2
  const built = buildUNet({
    config: stage.config,
    weights: loadWeights(cascadeFolder, file),
    weightsFileName: file,
    batch: 2,
    numFrames: 1,
  });
  const session = await backend.createSession(built.modelBytes);
  const samples: Float32Array[] = [];
  for (const vector of vectors) {
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
            conditioning_vector: new Tensor({ dtype: 'float32', dims: [1, dim], data: vector }),
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
