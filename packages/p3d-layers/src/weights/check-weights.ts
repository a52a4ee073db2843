import type { Tensor } from '@mav/tensor';
import type { ParameterSpec } from '../graph/graph-value.js';
import { WeightMismatchError, type WeightShapeMismatch } from './weight-errors.js';

/** Options of `checkWeights`. */
export interface CheckWeightsOptions {
  /** The parameters a model declares. */
  specs: readonly ParameterSpec[];
  /** Tensors by name. */
  weights: Readonly<Record<string, Tensor>>;
  /** Where the weights came from, for the error message. Default 'weights'. */
  fileName?: string;
}

/**
 * Matches weights to declared parameters by name. Throws one `WeightMismatchError` listing every missing,
 * unexpected and mis-shaped (or non-float) tensor.
 */
export function checkWeights(options: CheckWeightsOptions): void {
  const missing: string[] = [];
  const misshaped: WeightShapeMismatch[] = [];
  const declared = new Set<string>();
  for (const spec of options.specs) {
    declared.add(spec.name);
    const tensor = options.weights[spec.name];
    if (!tensor) {
      missing.push(spec.name);
    } else if (tensor.dtype !== 'float32' && tensor.dtype !== 'float16') {
      misshaped.push({
        name: spec.name,
        expected: spec.dims,
        actual: tensor.dims,
        actualDType: tensor.dtype,
      });
    } else if (
      tensor.dims.length !== spec.dims.length ||
      tensor.dims.some((dim, axis) => dim !== spec.dims[axis])
    ) {
      misshaped.push({ name: spec.name, expected: spec.dims, actual: tensor.dims });
    }
  }
  const unexpected = Object.keys(options.weights).filter((name) => !declared.has(name));
  if (missing.length + unexpected.length + misshaped.length > 0) {
    throw new WeightMismatchError({
      fileName: options.fileName ?? 'weights',
      missing,
      unexpected,
      misshaped,
    });
  }
}
