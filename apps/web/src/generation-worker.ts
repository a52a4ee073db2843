/**
 * The generation worker: loads the cascade once per (model, backend), runs one request at a time with
 * progress and cancellation, and encodes the result as MP4 (WebM where the browser cannot encode H.264)
 * and GIF. Running here keeps the page responsive while the networks run.
 */
import { createOnnxruntimeWebBackend } from '@mav/backend-onnxruntime-web';
import {
  type Cascade,
  type CascadeResult,
  createMemorySource,
  createUrlSource,
  imageAsVideo,
  loadCascade,
  ManifestError,
  stageNames,
} from '@mav/cascade';
import { AbortError, MavError, type Tensor } from '@mav/tensor';
import { encodeGif, encodePng, framesFromModelOutput, framesToModelInput } from '@mav/video-io';
import { encodeVideo, readImage } from '@mav/video-io/browser';
import type { FromWorker, GenerationRequest, ToWorker } from './protocol.js';

/** Memory limit for a run in the browser (the cascade refuses plans estimated above it). */
const memoryLimitBytes = 2 * 2 ** 30;

const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
};

function post(message: FromWorker): void {
  scope.postMessage(message);
}

let loaded: { key: string; cascade: Cascade } | undefined;
let running: AbortController | undefined;

async function cascadeFor(request: GenerationRequest, signal: AbortSignal): Promise<Cascade> {
  const key = `${request.backend} ${request.modelUrl} ${request.wasmPaths ?? ''}`;
  if (loaded?.key === key) return loaded.cascade;
  if (loaded !== undefined) {
    await loaded.cascade.dispose();
    loaded = undefined;
  }
  const backend = createOnnxruntimeWebBackend({
    executionProvider: request.backend,
    ...(request.wasmPaths === undefined ? {} : { wasmPaths: request.wasmPaths }),
  });
  post({ type: 'status', text: `Starting ${request.backend === 'webgpu' ? 'WebGPU' : 'WASM'}…` });
  await backend.init();
  let manifest: string | undefined;
  const files = request.modelUrl.startsWith('random:') ? undefined : createUrlSource(request.modelUrl);
  if (files !== undefined) {
    post({ type: 'status', text: 'Loading the model…' });
    try {
      manifest = new TextDecoder().decode(await files.read('manifest.json', { signal }));
    } catch (error) {
      const missing = ManifestError.isInstance(error) && error.reason === 'missing-file';
      if (!(missing && request.randomFallback)) throw error;
    }
  }
  let cascade: Cascade;
  if (manifest === undefined || files === undefined) {
    post({
      type: 'notice',
      text: 'No model folder (manifest.json) found: using random weights, so the video is noise-like.',
    });
    const { createRandomCascade } = await import('@mav/cascade/testing');
    const random = await createRandomCascade({ seed: 1, preset: 'tiny' });
    cascade = await loadCascade({
      manifest: random.manifest,
      files: createMemorySource(random.files),
      backends: { default: backend },
      memoryLimitBytes,
      signal,
    });
  } else {
    cascade = await loadCascade({
      manifest,
      files,
      backends: { default: backend },
      memoryLimitBytes,
      signal,
    });
  }
  loaded = { key, cascade };
  return cascade;
}

async function readImageTensor(cascade: Cascade, image: Blob): Promise<Tensor<'float32'>> {
  const size =
    cascade.manifest.stages.decoder?.resolution ?? cascade.manifest.stages.imageDecoder?.resolution ?? 32;
  const frames = await readImage({ data: image, width: size, height: size });
  // [1 3 1 h w] -> [1 3 h w]
  return framesToModelInput(frames).reshape([1, 3, size, size]);
}

async function run(
  cascade: Cascade,
  request: GenerationRequest,
  signal: AbortSignal,
): Promise<CascadeResult> {
  const options = {
    seed: request.seed,
    signal,
    ...(request.numFrames === undefined ? {} : { numFrames: request.numFrames }),
    ...(request.steps === undefined ? {} : { stages: stepsForEveryStage(request.steps) }),
    onProgress: (event: { stage: string; step: number; totalSteps: number; elapsedMs: number }) =>
      post({ type: 'progress', ...event }),
  };
  switch (request.mode) {
    case 'text':
      return cascade.textToVideo({ ...options, prompt: request.prompt });
    case 'image': {
      const { numFrames: _numFrames, ...imageOptions } = options;
      const result = await cascade.textToImage({
        ...imageOptions,
        prompt: request.prompt,
        superResolution: true,
      });
      // one frame
      return {
        video: imageAsVideo(result.image),
        fps: 1,
        stages: result.stages,
        imageEmbedding: result.imageEmbedding,
      };
    }
    case 'animate': {
      if (request.firstImage === undefined) throw new TypeError('Choose an image to animate.');
      const image = await readImageTensor(cascade, request.firstImage);
      return cascade.animateImage({ ...options, image, prompt: request.prompt });
    }
    case 'interpolate': {
      if (request.firstImage === undefined || request.lastImage === undefined) {
        throw new TypeError('Choose the first and the last image.');
      }
      const first = await readImageTensor(cascade, request.firstImage);
      const last = await readImageTensor(cascade, request.lastImage);
      return cascade.interpolateImages({ ...options, first, last, prompt: request.prompt });
    }
  }
}

function stepsForEveryStage(steps: number) {
  // Stages without a sampling loop ignore a step count.
  return Object.fromEntries(stageNames.map((stage) => [stage, { steps }]));
}

async function generate(request: GenerationRequest): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const started = performance.now();
  try {
    const cascade = await cascadeFor(request, controller.signal);
    const result = await run(cascade, request, controller.signal);
    post({ type: 'status', text: 'Encoding…' });
    const frames = framesFromModelOutput({ tensor: result.video, fps: result.fps });
    result.video.dispose();
    result.imageEmbedding.dispose();
    const elapsedMs = () => performance.now() - started;
    const backend = request.backend === 'webgpu' ? 'WebGPU' : 'WASM';
    if (request.mode === 'image') {
      const png = encodePng(frames.frame(0));
      post({
        type: 'done',
        result: {
          kind: 'image',
          video: new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }),
          videoFormat: 'png',
          numFrames: 1,
          width: frames.width,
          height: frames.height,
          fps: frames.fps,
          elapsedMs: elapsedMs(),
          backend,
        },
      });
      return;
    }
    const video = await encodeVideo({ frames, signal: controller.signal });
    const gif = await encodeGif(frames);
    post({
      type: 'done',
      result: {
        kind: 'video',
        video: video.blob,
        videoFormat: video.format === 'webm' ? 'webm' : 'mp4',
        gif: new Blob([gif as Uint8Array<ArrayBuffer>], { type: 'image/gif' }),
        numFrames: frames.numFrames,
        width: frames.width,
        height: frames.height,
        fps: frames.fps,
        elapsedMs: elapsedMs(),
        backend,
      },
    });
  } catch (error) {
    if (AbortError.isInstance(error) || controller.signal.aborted) {
      post({ type: 'error', message: 'Cancelled.', code: 'aborted' });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    post({ type: 'error', message, ...(MavError.isInstance(error) ? { code: error.code } : {}) });
  } finally {
    if (running === controller) running = undefined;
  }
}

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'cancel') running?.abort();
  else if (message.type === 'generate') void generate(message.request);
});
