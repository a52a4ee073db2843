/**
 * Why a job ended without files, as a typed `{ code, message }`: made from the error a run threw, and
 * carried through BullMQ's `failedReason` (a string) as JSON.
 */
import { AbortError, MavError } from '@mav/tensor';
import type { JobError } from '../api/job-view.js';

/** The code of a cancelled job. */
export const cancelledCode = 'cancelled';

/** The error of a cancelled job. */
export const cancelledError: JobError = { code: cancelledCode, message: 'the job was cancelled' };

/**
 * The typed error of a failed run: a mav error keeps its code (`insufficient-memory`, `corrupt-input`,
 * `non-finite`, ...); the cascade's option checks (`TypeError`, `RangeError`: an fps outside the range the
 * model was trained on, a stage the model lacks) are `invalid-option`; anything else is `internal`.
 */
export function jobErrorFrom(error: unknown, signal?: AbortSignal): JobError {
  if (signal?.aborted || AbortError.isInstance(error)) return cancelledError;
  const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  if (MavError.isInstance(error)) return { code: error.code, message };
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'invalid-option', message };
  return { code: 'internal', message };
}

/** `failedReason` text for an error. */
export function encodeJobError(error: JobError): string {
  return JSON.stringify(error);
}

/** The error back from `failedReason`; BullMQ's own reasons (a stalled job given up) become codes too. */
export function decodeJobError(failedReason: string | undefined): JobError {
  if (failedReason === undefined || failedReason === '') return { code: 'internal', message: 'unknown' };
  try {
    const parsed = JSON.parse(failedReason) as Partial<JobError>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') {
      return { code: parsed.code, message: parsed.message };
    }
  } catch {
    // not ours: one of BullMQ's own messages
  }
  if (/stalled more than allowable limit/.test(failedReason)) {
    return { code: 'stalled', message: `${failedReason} (its worker stopped answering, again and again)` };
  }
  return { code: 'internal', message: failedReason };
}
