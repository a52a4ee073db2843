/**
 * The Fréchet distance between two Gaussians fitted to feature sets (FID's formula, Heusel et al. 2017):
 *
 *   d² = ‖μ_a − μ_b‖² + tr(Σ_a + Σ_b − 2 (Σ_a^½ Σ_b Σ_a^½)^½)
 *
 * computed with symmetric eigendecompositions (cyclic Jacobi), so the matrix square roots stay real and
 * exact for rank-deficient covariances (fewer samples than feature dimensions).
 */

/** Mean and (population, 1/n) covariance of `count` rows of `dim` features stored row-major. */
export function meanAndCovariance(
  rows: ArrayLike<number>,
  dim: number,
): { mean: Float64Array; covariance: Float64Array; count: number } {
  const count = rows.length / dim;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `rows must hold a positive whole number of ${dim}-feature rows, got ${rows.length} values.`,
    );
  }
  const mean = new Float64Array(dim);
  for (let row = 0; row < count; row++)
    for (let k = 0; k < dim; k++) mean[k]! += rows[row * dim + k]! / count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let row = 0; row < count; row++) {
    for (let k = 0; k < dim; k++) centred[k] = rows[row * dim + k]! - mean[k]!;
    for (let i = 0; i < dim; i++) {
      const ci = centred[i]! / count;
      for (let j = i; j < dim; j++) covariance[i * dim + j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < i; j++) covariance[i * dim + j] = covariance[j * dim + i]!;
  return { mean, covariance, count };
}

/**
 * Eigenvalues and eigenvectors of a symmetric `n × n` matrix (row-major), by cyclic Jacobi rotations until
 * the off-diagonal mass is below 1e-12 of the total. `vectors` holds the eigenvectors as columns.
 */
export function symmetricEigen(
  matrix: ArrayLike<number>,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix as ArrayLike<number>);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * a[i * n + j]! * a[i * n + j]!;
    if (off <= 1e-24 * Math.max(total, 1e-300)) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p]!;
          const vkq = vectors[k * n + q]!;
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors };
}

/** The square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding → 0). */
export function symmetricSqrt(matrix: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const root = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const scale = Math.sqrt(Math.max(values[k]!, 0));
    if (scale === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k]! * scale;
      for (let j = 0; j < n; j++) root[i * n + j]! += vik * vectors[j * n + k]!;
    }
  }
  return root;
}

/** The Fréchet distance d² between the Gaussians fitted to two feature sets of `dim` features per row. */
export function frechetDistance(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  const first = meanAndCovariance(a, dim);
  const second = meanAndCovariance(b, dim);
  let meanTerm = 0;
  for (let k = 0; k < dim; k++) meanTerm += (first.mean[k]! - second.mean[k]!) ** 2;
  const root = symmetricSqrt(first.covariance, dim);
  // Σ_a^½ Σ_b Σ_a^½ is symmetric PSD; the trace of its square root is Σ √λ.
  const product = multiply(multiply(root, second.covariance, dim), root, dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < i; j++) {
      const mean = (product[i * dim + j]! + product[j * dim + i]!) / 2;
      product[i * dim + j] = mean;
      product[j * dim + i] = mean;
    }
  const { values } = symmetricEigen(product, dim);
  let traceRoot = 0;
  for (const value of values) traceRoot += Math.sqrt(Math.max(value, 0));
  let trace = 0;
  for (let k = 0; k < dim; k++) trace += first.covariance[k * dim + k]! + second.covariance[k * dim + k]!;
  return Math.max(0, meanTerm + trace - 2 * traceRoot);
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += aik * b[k * n + j]!;
    }
  return out;
}
