import type { Tensor } from '@mav/tensor';

/** One weight tensor holding NaN or ±Infinity. */
export interface NonFiniteTensor {
  /** The weight file, as the manifest names it. */
  readonly file: string;
  /** The manifest field that names the file, e.g. `stages.decoder.weights[0].file`. */
  readonly path: string;
  readonly tensor: string;
  /** How many of its values are NaN or ±Infinity, of `size`. */
  readonly count: number;
  readonly size: number;
  readonly firstIndex: number;
  readonly firstValue: number;
}

/**
 * The float tensors (float32, float16) of one weight file that hold NaN or ±Infinity, in the file's order.
 * A diverged training run or a damaged export leaves such values, and one is enough to turn every sample
 * of the stage into NaN, so the cascade refuses them at load time.
 */
export function findNonFiniteTensors(
  tensors: Readonly<Record<string, Tensor>>,
  file: string,
  path: string,
): NonFiniteTensor[] {
  const found: NonFiniteTensor[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    let count = 0;
    let firstIndex = -1;
    let firstValue = 0;
    if (tensor.dtype === 'float32') {
      const data = tensor.data as Float32Array;
      for (let index = 0; index < data.length; index++) {
        const value = data[index]!;
        // x − x is 0 for finite x and NaN for NaN and ±Infinity.
        if (value - value !== 0) {
          if (count === 0) [firstIndex, firstValue] = [index, value];
          count++;
        }
      }
    } else if (tensor.dtype === 'float16') {
      const data = tensor.data as Uint16Array;
      for (let index = 0; index < data.length; index++) {
        const bits = data[index]!;
        // All exponent bits set: ±Infinity (mantissa 0) or NaN.
        if ((bits & 0x7c00) === 0x7c00) {
          if (count === 0) {
            firstIndex = index;
            firstValue = (bits & 0x3ff) !== 0 ? Number.NaN : bits & 0x8000 ? -Infinity : Infinity;
          }
          count++;
        }
      }
    }
    if (count > 0) found.push({ file, path, tensor: name, count, size: tensor.size, firstIndex, firstValue });
  }
  return found;
}

/** The lines of an error message that lists non-finite tensors (at most `limit`, then how many more). */
export function describeNonFiniteTensors(tensors: readonly NonFiniteTensor[], limit = 20): string {
  const lines = tensors
    .slice(0, limit)
    .map(
      (entry) =>
        `  '${entry.file}', tensor '${entry.tensor}': ${entry.count} of ${entry.size} values (first: ${entry.firstValue} at element ${entry.firstIndex})`,
    );
  if (tensors.length > limit) lines.push(`  … and ${tensors.length - limit} more tensors`);
  return lines.join('\n');
}
