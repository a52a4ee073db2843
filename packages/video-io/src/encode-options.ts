/** Options every encoder takes. */
export interface EncodeOptions {
  /** Stops the encode; the promise rejects with `AbortError` from @mav/tensor. */
  readonly signal?: AbortSignal;
  /** Called with the fraction of frames done, in (0, 1]. */
  readonly onProgress?: (fraction: number) => void;
}

/** Lets abort signals and progress consumers run during long synchronous encodes. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
