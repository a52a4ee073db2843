/**
 * The one rule of classifier-free guidance batching (owned here, read by every caller that builds a
 * fixed-shape session or estimates memory before `denoise` runs): any scale but 1 is guided, and a guided
 * call runs the unconditional and the conditional rows in one batch of 2b.
 */

/** Whether `guidanceScale` asks for classifier-free guidance (every scale but 1; 1 is the conditional output). */
export function isGuided(guidanceScale: number): boolean {
  if (typeof guidanceScale !== 'number' || Number.isNaN(guidanceScale)) {
    throw new TypeError(`guidanceScale must be a number, got ${String(guidanceScale)}.`);
  }
  return guidanceScale !== 1;
}

/** Model rows of one call for a batch of `batch` samples: 2·batch when guided, batch otherwise. */
export function guidanceRows(options: { batch: number; guidanceScale: number }): number {
  const { batch } = options;
  if (!Number.isSafeInteger(batch) || batch < 1) {
    throw new RangeError(`batch must be a positive integer, got ${String(batch)}.`);
  }
  return isGuided(options.guidanceScale) ? 2 * batch : batch;
}
