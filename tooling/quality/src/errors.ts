import { MavError } from '@mav/tensor';

const qualityErrorMarker = Symbol.for('mav.error.QualityError');

/** Why the harness stopped: what was wrong and with which file. */
export type QualityErrorReason =
  | 'invalid-judge'
  | 'invalid-prompt-set'
  | 'python-failed'
  | 'model-cannot-generate'
  | 'invalid-stored-video'
  | 'invalid-ablation';

/**
 * A problem the quality harness found with its inputs (judge files, prompt set, model folder, the Python
 * renderer, a stored video, ablation logs). `file` names the file when there is one.
 */
export class QualityError extends MavError {
  readonly [qualityErrorMarker] = true;
  readonly reason: QualityErrorReason;
  readonly file: string | undefined;

  constructor(reason: QualityErrorReason, message: string, options: { file?: string; cause?: unknown } = {}) {
    super('quality-error', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QualityError';
    this.reason = reason;
    this.file = options.file;
  }

  /** True for a QualityError from any copy of this package. */
  static override isInstance(error: unknown): error is QualityError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[qualityErrorMarker] === true
    );
  }
}
