import { MavError } from '@mav/tensor';

const safetensorsMarker = Symbol.for('mav.error.SafetensorsError');

/**
 * A safetensors file is corrupt, truncated or inconsistent. `fileName` names the file and `tensorName` the
 * tensor when the problem is in one tensor's entry.
 */
export class SafetensorsError extends MavError {
  readonly [safetensorsMarker] = true;
  readonly fileName: string;
  readonly tensorName: string | undefined;
  constructor(fileName: string, message: string, tensorName?: string) {
    super(
      'safetensors',
      `${fileName}${tensorName === undefined ? '' : `, tensor '${tensorName}'`}: ${message}`,
    );
    this.name = 'SafetensorsError';
    this.fileName = fileName;
    this.tensorName = tensorName;
  }
  /** True for a `SafetensorsError` from any copy of this package. */
  static override isInstance(error: unknown): error is SafetensorsError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[safetensorsMarker] === true
    );
  }
}

/** One tensor whose shape (or dtype) is not what the model declares. */
export interface WeightShapeMismatch {
  readonly name: string;
  readonly expected: readonly number[];
  readonly actual: readonly number[];
  readonly actualDType?: string;
}

const weightMismatchMarker = Symbol.for('mav.error.WeightMismatchError');

/**
 * Weights do not fit a model: lists every missing, unexpected and mis-shaped tensor at once (not just the
 * first), naming the file they came from.
 */
export class WeightMismatchError extends MavError {
  readonly [weightMismatchMarker] = true;
  readonly fileName: string;
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly misshaped: readonly WeightShapeMismatch[];
  constructor(options: {
    fileName: string;
    missing: readonly string[];
    unexpected: readonly string[];
    misshaped: readonly WeightShapeMismatch[];
  }) {
    const lines = [
      ...options.missing.map((name) => `  missing: '${name}'`),
      ...options.unexpected.map((name) => `  unexpected: '${name}'`),
      ...options.misshaped.map(
        (entry) =>
          `  wrong ${entry.actualDType ? 'dtype' : 'shape'}: '${entry.name}' expected [${entry.expected.join(', ')}]${entry.actualDType ? ' float32/float16' : ''}, got ${entry.actualDType ?? `[${entry.actual.join(', ')}]`}`,
      ),
    ];
    super(
      'weight-mismatch',
      `${options.fileName}: the weights do not fit the model config (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}\nCheck that the file was saved for this config (see the naming scheme in the @mav/p3d-layers README).`,
    );
    this.name = 'WeightMismatchError';
    this.fileName = options.fileName;
    this.missing = options.missing;
    this.unexpected = options.unexpected;
    this.misshaped = options.misshaped;
  }
  /** True for a `WeightMismatchError` from any copy of this package. */
  static override isInstance(error: unknown): error is WeightMismatchError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[weightMismatchMarker] === true
    );
  }
}
