/**
 * Messages between the page and the generation worker. Everything here is structured-clone friendly
 * (plain objects, Blobs, Files).
 */

/** What the app can do ('image': a preview frame from the text-to-image model, through super-resolution). */
export type GenerationMode = 'text' | 'image' | 'animate' | 'interpolate';

/** Runtimes the page offers. */
export type WebBackendName = 'webgpu' | 'wasm';

/** One generation request. */
export interface GenerationRequest {
  readonly mode: GenerationMode;
  readonly prompt: string;
  readonly backend: WebBackendName;
  /** Base URL of the model folder (holding manifest.json), or `random:tiny` for random weights. */
  readonly modelUrl: string;
  /** When the model folder has no manifest.json, use the random-weight tiny cascade (with a notice). */
  readonly randomFallback?: boolean;
  /** Where onnxruntime-web's .wasm/.mjs files are served; undefined: next to the bundle. */
  readonly wasmPaths?: string;
  readonly seed: number;
  /** Denoising steps for every stage; undefined: the model's defaults. */
  readonly steps?: number;
  readonly numFrames?: number;
  /** `animate`: the image; `interpolate`: the first image. */
  readonly firstImage?: Blob;
  /** `interpolate`: the last image. */
  readonly lastImage?: Blob;
}

/** Page -> worker. */
export type ToWorker =
  | { readonly type: 'generate'; readonly request: GenerationRequest }
  | { readonly type: 'cancel' };

/**
 * A finished video, encoded twice: MP4 (or WebM where MP4 cannot be encoded) and GIF; or, for the preview
 * frame, one PNG (`kind: 'image'`, `video` holds the PNG, no GIF).
 */
export interface GenerationResult {
  readonly kind: 'video' | 'image';
  readonly video: Blob;
  readonly videoFormat: 'mp4' | 'webm' | 'png';
  readonly gif?: Blob;
  readonly numFrames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly elapsedMs: number;
  readonly backend: string;
}

/** Worker -> page. */
export type FromWorker =
  | {
      readonly type: 'progress';
      readonly stage: string;
      readonly step: number;
      readonly totalSteps: number;
      readonly elapsedMs: number;
    }
  | { readonly type: 'status'; readonly text: string }
  | { readonly type: 'notice'; readonly text: string }
  | { readonly type: 'done'; readonly result: GenerationResult }
  | { readonly type: 'error'; readonly message: string; readonly code?: string };
