import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '@mav/p3d-layers';
import type { Tensor } from '@mav/tensor';
import { QualityError } from './errors.js';
import type { VideoFrames } from './frames/video-frames.js';

/** A real clip of the world: one object with these attributes, its motion drawn from (seed, variant). */
export interface ClipRequest {
  key: string;
  shape: string;
  colour: string;
  size: string;
  background: string;
  seed: number;
  /** 0: the stand-in for a generated video; 1, 2: the two disjoint reference sets. */
  variant: number;
  fps: number;
  numFrames: number;
  resolution: number;
}

/** An eval-split still of the world (`image_spec(seed, "eval")`), with its attributes coming back. */
export interface StillRequest {
  key: string;
  seed: number;
  resolution: number;
  /** Also return the classifier's input as Python makes it (`<key>/crop`) and the locator's result. */
  crop?: boolean;
}

/** What the renderer returns. */
export interface RenderedReferences {
  clips: Map<string, VideoFrames>;
  /** Python's classifier inputs `[3 c c]` in [0, 1], for stills asked with `crop`. */
  crops: Map<string, Tensor<'float32'>>;
  /**
   * Attributes by key: `{ shape, colour, size, background }` for stills (with `crop`: also the locator's
   * `found, x, y, area`), `{ motion }` for clips.
   */
  attributes: Record<string, Record<string, string | number | boolean>>;
}

/** Options of `renderReferences`. */
export interface RenderReferencesOptions {
  clips?: readonly ClipRequest[];
  stills?: readonly StillRequest[];
  /** A folder where rendered sets are kept by the hash of their requests (reused when present). */
  cacheFolder?: string;
  /** The Python interpreter. Default `MAV_PYTHON`, else `/usr/bin/python3` (Debian's, where torch lives). */
  python?: string;
  /** The `tooling/train` folder. Default: this package's sibling. */
  trainFolder?: string;
  signal?: AbortSignal;
}

/** tooling/train, next to this package. */
export const defaultTrainFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../train');

/**
 * Renders real clips and stills of the shapes world with its owner, the Python world of tooling/train
 * (`python3 -m mav_train.judges clips`), as 8-bit videos (`[3 F H W]`; a still is a one-frame video).
 */
export async function renderReferences(options: RenderReferencesOptions): Promise<RenderedReferences> {
  const requests = {
    format: 'mav-judge-clips',
    version: 1,
    clips: options.clips ?? [],
    stills: options.stills ?? [],
  };
  const text = JSON.stringify(requests);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 24);
  const cached = options.cacheFolder ? join(options.cacheFolder, `${hash}.safetensors`) : undefined;
  let bytes: Uint8Array | undefined;
  if (cached) bytes = await readFile(cached).catch(() => undefined);
  if (!bytes) {
    const work = join(options.cacheFolder ?? tmpdir(), `.render-${hash}-${process.pid}`);
    await mkdir(work, { recursive: true });
    try {
      const requestFile = join(work, 'requests.json');
      const outFile = join(work, 'clips.safetensors');
      await writeFile(requestFile, text);
      await runPython(options, [
        '-m',
        'mav_train.judges',
        'clips',
        '--requests',
        requestFile,
        '--out',
        outFile,
      ]);
      bytes = new Uint8Array(await readFile(outFile));
      if (cached) await rename(outFile, cached);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  const contents = readSafetensors(bytes, { fileName: cached ?? 'rendered clips' });
  const clips = new Map<string, VideoFrames>();
  const crops = new Map<string, Tensor<'float32'>>();
  for (const [key, tensor] of Object.entries(contents.tensors)) {
    if (tensor.dtype === 'float32') {
      crops.set(key, tensor as Tensor<'float32'>);
      continue;
    }
    const dims = tensor.dims;
    // clips [3 F H W], stills [3 H W]
    const [frames, height, width] =
      dims.length === 4 ? [dims[1]!, dims[2]!, dims[3]!] : [1, dims[1]!, dims[2]!];
    clips.set(key, { frames, height, width, data: tensor.data as Uint8Array });
  }
  const attributes = JSON.parse(contents.metadata.attributes ?? '{}') as RenderedReferences['attributes'];
  return { clips, crops, attributes };
}

function runPython(options: RenderReferencesOptions, args: string[]): Promise<void> {
  const python = options.python ?? process.env.MAV_PYTHON ?? '/usr/bin/python3';
  const cwd = options.trainFolder ?? defaultTrainFolder;
  return new Promise((done, fail) => {
    execFile(
      python,
      args,
      {
        cwd,
        env: { ...process.env, MAV_TORCH_THREADS: '1', OMP_NUM_THREADS: '1' },
        maxBuffer: 16 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, _stdout, stderr) => {
        if (!error) return done();
        const hint = /No module named 'torch'|No module named 'numpy'|ENOENT/.test(
          `${stderr}${error.message}`,
        )
          ? ' Install the Debian packages: apt-get install -y python3-torch python3-numpy libopenblas0-openmp (or set MAV_PYTHON).'
          : '';
        fail(
          new QualityError(
            'python-failed',
            `${python} ${args.join(' ')} (in ${cwd}) failed: ${(stderr || error.message).trim().split('\n').slice(-3).join(' | ')}.${hint}`,
            { cause: error },
          ),
        );
      },
    );
  });
}
