/**
 * A PNG contact sheet of an exported cascade's text-to-image model, made by the product itself:
 * `cascade.textToImage` of @mav/cascade on onnxruntime-node (tokenizer, text encoder, prior, image decoder
 * with the manifest's samplers, guidance and embedding convention), for the preview prompts written by
 * `python3 -m mav_train preview`: one row per prompt pair, three seeds each (left half: prompts 1–6, right
 * half: 7–12).
 *
 *   pnpm --filter @mav/train-parity exec tsx --conditions=@mav/source src/contact-sheet.ts \
 *     <cascade folder> <preview.json> <out.png>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnnxruntimeNodeBackend } from '@mav/backend-onnxruntime-node';
import { createDirectorySource, loadCascade } from '@mav/cascade/node';
import { encode } from 'fast-png';

interface PreviewEntry {
  prompt: string;
}

const seedsPerPrompt = 3;
const zoom = 3;

async function main(): Promise<void> {
  const [cascadeFolder, previewFile, outFile] = process.argv.slice(2);
  if (!cascadeFolder || !previewFile || !outFile) {
    throw new Error('usage: contact-sheet.ts <cascade folder> <preview.json> <out.png>');
  }
  const cascade = await loadCascade({
    manifest: readFileSync(join(cascadeFolder, 'manifest.json'), 'utf8'),
    files: createDirectorySource(cascadeFolder),
    backends: { default: createOnnxruntimeNodeBackend({ executionProvider: 'cpu', threads: 2 }) },
    keepSessions: true,
  });
  const { entries } = JSON.parse(readFileSync(previewFile, 'utf8')) as { entries: PreviewEntry[] };
  const samples: Float32Array[] = [];
  let size = 0;
  try {
    for (const { prompt } of entries) {
      for (let seed = 0; seed < seedsPerPrompt; seed++) {
        const { image } = await cascade.textToImage({ prompt, seed });
        size = image.dims[2]!;
        samples.push(image.data);
      }
    }
  } finally {
    await cascade.dispose();
  }
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
