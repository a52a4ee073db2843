/**
 * The Inception Score (Salimans et al. 2016) on a classifier's class probabilities:
 *
 *   IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = E_x p(y|x)
 *
 * high when each frame is classified confidently and the classes are spread; its maximum is the number of
 * classes, reached by confident frames spread evenly over them.
 */
export function inceptionScore(probabilities: ArrayLike<number>, classes: number): number {
  const count = probabilities.length / classes;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `probabilities must hold whole rows of ${classes} classes, got ${probabilities.length} values.`,
    );
  }
  const marginal = new Float64Array(classes);
  for (let row = 0; row < count; row++)
    for (let k = 0; k < classes; k++) marginal[k]! += probabilities[row * classes + k]! / count;
  let divergence = 0;
  for (let row = 0; row < count; row++)
    for (let k = 0; k < classes; k++) {
      const p = probabilities[row * classes + k]!;
      if (p > 0) divergence += (p * Math.log(p / marginal[k]!)) / count;
    }
  return Math.exp(divergence);
}

/** Row-wise outer product of two probability tables: the joint `[n (a b)]` of independent heads. */
export function jointProbabilities(
  first: ArrayLike<number>,
  firstClasses: number,
  second: ArrayLike<number>,
  secondClasses: number,
): Float64Array {
  const count = first.length / firstClasses;
  if (second.length / secondClasses !== count) {
    throw new RangeError('both probability tables must have the same number of rows.');
  }
  const joint = new Float64Array(count * firstClasses * secondClasses);
  for (let row = 0; row < count; row++)
    for (let a = 0; a < firstClasses; a++)
      for (let b = 0; b < secondClasses; b++)
        joint[(row * firstClasses + a) * secondClasses + b] =
          first[row * firstClasses + a]! * second[row * secondClasses + b]!;
  return joint;
}
