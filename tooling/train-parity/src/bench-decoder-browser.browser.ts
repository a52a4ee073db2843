import { createOnnxruntimeWebBackend } from '@mav/backend-onnxruntime-web';
import { type DecoderFeedSpec, decoderFeeds, timeRuns } from './bench-decoder-feeds.js';

/**
 * Runs in headless Chromium: the decoder graph served at `modelUrl`, on onnxruntime-web WASM with `threads`
 * threads, the same seeded feeds as the Node side; returns the run times and the output.
 */
export default async function benchDecoderInBrowser(args: {
  modelUrl: string;
  wasmPaths: string;
  threads: number;
  runs: number;
  feeds: DecoderFeedSpec[];
}) {
  const backend = createOnnxruntimeWebBackend({
    executionProvider: 'wasm',
    wasmPaths: args.wasmPaths,
    threads: args.threads,
  });
  await backend.init();
  const bytes = new Uint8Array(await (await fetch(args.modelUrl)).arrayBuffer());
  const session = await backend.createSession(bytes, { label: 'decoder' });
  try {
    const timed = await timeRuns(session, decoderFeeds(args.feeds), args.runs);
    return {
      seconds: timed.seconds,
      output: toBase64(new Uint8Array(timed.output.buffer)),
      crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
  } finally {
    await session.release();
  }
}

/** Base64 of `bytes`, 32 KiB at a time (a spread of the whole array overflows the call stack). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  return btoa(binary);
}
