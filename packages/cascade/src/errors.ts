import { defineErrorMarker, MavError } from '@mav/tensor';

const manifestMarker = defineErrorMarker('ManifestError');
const memoryMarker = defineErrorMarker('InsufficientMemoryError');
const missingStageMarker = defineErrorMarker('MissingStageError');

/** Why a manifest was refused (stable codes for programs; the message says it for people). */
export type ManifestErrorReason =
  | 'invalid-json'
  | 'schema'
  | 'unsupported-version'
  | 'unknown-stage'
  | 'path-escape'
  | 'missing-file'
  | 'unreadable-file'
  | 'file-changed'
  | 'sha256-mismatch'
  | 'invalid-weights'
  | 'inconsistent-shapes'
  | 'invalid-tokenizer';

/**
 * A model manifest or one of the files it names cannot be used: bad JSON, a field the schema refuses, a path
 * outside the model folder, a missing file, a wrong sha256, weights that do not fit the network config, or
 * stages whose shapes do not fit together. `reason` is a stable code; `path` names the manifest field
 * (e.g. `stages.decoder.weights[0].sha256`) and `file` the file, when there is one.
 */
export class ManifestError extends MavError {
  readonly [manifestMarker.marker] = true;
  readonly reason: ManifestErrorReason;
  readonly path: string | undefined;
  readonly file: string | undefined;

  constructor(
    reason: ManifestErrorReason,
    message: string,
    options: { path?: string; file?: string; cause?: unknown } = {},
  ) {
    super('manifest', message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ManifestError';
    this.reason = reason;
    this.path = options.path;
    this.file = options.file;
  }

  /** True for a `ManifestError` from any copy of this package. */
  static override isInstance(error: unknown): error is ManifestError {
    return manifestMarker.is(error);
  }
}

/**
 * The pre-flight memory estimate of a run exceeds `memoryLimitBytes`. Carries the estimate, the limit and
 * the stage at the peak, and says what to change (fewer frames, `stopAfter`, a smaller output size, a
 * higher limit).
 */
export class InsufficientMemoryError extends MavError {
  readonly [memoryMarker.marker] = true;
  readonly estimatedBytes: number;
  readonly limitBytes: number;
  readonly stage: string;

  constructor(options: { estimatedBytes: number; limitBytes: number; stage: string }) {
    const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
    super(
      'insufficient-memory',
      `This run needs an estimated ${gib(options.estimatedBytes)} at stage '${options.stage}', more than the memory limit of ${gib(options.limitBytes)}. Generate fewer frames, stop after an earlier stage (stopAfter), or raise memoryLimitBytes.`,
    );
    this.name = 'InsufficientMemoryError';
    ({ estimatedBytes: this.estimatedBytes, limitBytes: this.limitBytes, stage: this.stage } = options);
  }

  /** True for an `InsufficientMemoryError` from any copy of this package. */
  static override isInstance(error: unknown): error is InsufficientMemoryError {
    return memoryMarker.is(error);
  }
}

/**
 * A run needs a stage the model does not have (not trained yet, when the manifest lists it under `missing`).
 * Code `model-stage-missing`; `stage` names the stage and `untrained` says whether the manifest lists it.
 */
export class MissingStageError extends MavError {
  readonly [missingStageMarker.marker] = true;
  readonly stage: string;
  readonly untrained: boolean;

  constructor(options: { model: string; stage: string; untrained: boolean; need?: string }) {
    const untrained = options.untrained ? ' (the manifest lists it as not trained yet)' : '';
    const need = options.need === undefined ? '' : `; ${options.need}`;
    super(
      'model-stage-missing',
      `The model '${options.model}' has no ${options.stage} stage${untrained}${need}.`,
    );
    this.name = 'MissingStageError';
    this.stage = options.stage;
    this.untrained = options.untrained;
  }

  /** True for a `MissingStageError` from any copy of this package. */
  static override isInstance(error: unknown): error is MissingStageError {
    return missingStageMarker.is(error);
  }
}
