import type { Backend } from '@mav/tensor';
import type { TextToVideoOptions } from './cascade-options.js';
import { createMemorySource, sha256Hex } from './files/model-file-source.js';
import { loadCascade } from './load-cascade.js';
import { createRandomCascade, type RandomCascadeOptions } from './testing/random-cascade.js';

/** What one backend made of the parity case (test helper, not published): videos as float32 bytes in base64. */
export interface ParityRun {
  /** SHA-256 of the manifest JSON and of every model file, by name: proves both sides ran the same model. */
  modelHashes: Record<string, string>;
  keyframes: { dims: number[]; base64: string };
  video: { dims: number[]; base64: string };
  fps: number;
  stages: string[];
  /** Wall time of the full textToVideo run (reported, never asserted). */
  textToVideoMs: number;
}

/** Options of `runParityCase`: the random cascade, the backend and the textToVideo options. */
export interface ParityCaseOptions {
  cascade: RandomCascadeOptions;
  backend: Backend;
  /** The full run's options; the keyframes come from the same options with `stopAfter: 'decoder'`. */
  textToVideo: Omit<TextToVideoOptions, 'signal' | 'onProgress'>;
}

function float32ToBase64(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000));
  }
  return btoa(binary);
}

/** The inverse of the base64 encoding of `ParityRun` (little-endian float32). */
export function base64ToFloat32(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return new Float32Array(bytes.buffer);
}

/**
 * Runs the same textToVideo case on any backend, in Node or in a browser (no Node built-ins): builds the
 * random-weight cascade from its seed, loads it from memory, generates the decoder keyframes
 * (`stopAfter: 'decoder'`) and then the whole video with the same options. Same seed → the keyframes are
 * the very ones the full run decoded.
 */
export async function runParityCase(options: ParityCaseOptions): Promise<ParityRun> {
  const random = await createRandomCascade(options.cascade);
  const manifestJson = JSON.stringify(random.manifest);
  const modelHashes: Record<string, string> = {
    'manifest.json': await sha256Hex(new TextEncoder().encode(manifestJson)),
  };
  for (const [file, bytes] of random.files) modelHashes[file] = await sha256Hex(bytes);
  const cascade = await loadCascade({
    manifest: manifestJson,
    files: createMemorySource(random.files),
    backends: { default: options.backend },
  });
  try {
    const keyframes = await cascade.textToVideo({ ...options.textToVideo, stopAfter: 'decoder' });
    const started = performance.now();
    const result = await cascade.textToVideo(options.textToVideo);
    const textToVideoMs = performance.now() - started;
    return {
      modelHashes,
      keyframes: { dims: [...keyframes.video.dims], base64: float32ToBase64(keyframes.video.data) },
      video: { dims: [...result.video.dims], base64: float32ToBase64(result.video.data) },
      fps: result.fps,
      stages: result.stages,
      textToVideoMs,
    };
  } finally {
    await cascade.dispose();
  }
}
