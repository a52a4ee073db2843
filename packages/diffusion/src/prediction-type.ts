/**
 * What the model predicts, and how to turn a prediction into the clean-sample estimate x̂_0 and the noise
 * estimate ε̂ at a noise level with x_t = α_t x_0 + σ_t ε (α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t)):
 * - `epsilon`: the noise ε (Ho et al. 2020): x̂_0 = (x_t − σ_t ε̂) / α_t;
 * - `v`: the velocity v = α_t ε − σ_t x_0 (Salimans & Ho 2022, "Progressive Distillation", §4):
 *   x̂_0 = α_t x_t − σ_t v̂, ε̂ = σ_t x_t + α_t v̂;
 * - `sample`: x_0 itself: ε̂ = (x_t − α_t x̂_0) / σ_t.
 */
export type PredictionType = 'epsilon' | 'v' | 'sample';

/** Every prediction type, for validation. */
export const predictionTypes: readonly PredictionType[] = ['epsilon', 'v', 'sample'];

/** Options of `convertPrediction`. */
export interface ConvertPredictionOptions {
  predictionType: PredictionType;
  /** α_t = √ᾱ_t. */
  alpha: number;
  /** σ_t = √(1 − ᾱ_t). */
  sigma: number;
  modelOutput: Float32Array;
  /** x_t, the model's (variance-preserving) input. */
  sample: Float32Array;
  /** Receives x̂_0 when given. */
  originalSample?: Float32Array;
  /** Receives ε̂ when given. */
  epsilon?: Float32Array;
}

/** Writes x̂_0 and/or ε̂ for every element (float64 arithmetic, float32 results). */
export function convertPrediction(options: ConvertPredictionOptions): void {
  const { predictionType, alpha, sigma, modelOutput, sample, originalSample, epsilon } = options;
  if (modelOutput.length !== sample.length) {
    throw new RangeError(
      `modelOutput has ${modelOutput.length} elements but sample has ${sample.length}; they must match.`,
    );
  }
  const length = sample.length;
  switch (predictionType) {
    case 'epsilon':
      for (let index = 0; index < length; index++) {
        const noise = modelOutput[index]!;
        if (originalSample) originalSample[index] = (sample[index]! - sigma * noise) / alpha;
        if (epsilon) epsilon[index] = noise;
      }
      return;
    case 'v':
      for (let index = 0; index < length; index++) {
        const x = sample[index]!;
        const velocity = modelOutput[index]!;
        if (originalSample) originalSample[index] = alpha * x - sigma * velocity;
        if (epsilon) epsilon[index] = sigma * x + alpha * velocity;
      }
      return;
    case 'sample':
      for (let index = 0; index < length; index++) {
        const clean = modelOutput[index]!;
        if (originalSample) originalSample[index] = clean;
        if (epsilon) epsilon[index] = (sample[index]! - alpha * clean) / sigma;
      }
      return;
    default:
      throw new RangeError(
        `predictionType must be 'epsilon', 'v' or 'sample', got ${String(predictionType as unknown)}.`,
      );
  }
}
