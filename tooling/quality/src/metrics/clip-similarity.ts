/** Cosine similarity of `a` and the `a.length` values of `b` from `offset` (0 when either is zero). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, offset = 0): number {
  if (b.length - offset < a.length)
    throw new RangeError(`b has fewer than ${a.length} values from ${offset}.`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let k = 0; k < a.length; k++) {
    const bk = b[offset + k]!;
    dot += a[k]! * bk;
    normA += a[k]! * a[k]!;
    normB += bk * bk;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The CLIPSIM analogue (Wu et al. 2021, as the paper reports it): the mean cosine between a prompt's CLIP
 * text embedding `[D]` and the CLIP image embedding of each frame, `images` `[n D]` row-major.
 */
export function clipSimilarity(text: ArrayLike<number>, images: ArrayLike<number>): number {
  const dim = text.length;
  const count = images.length / dim;
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`images must hold whole rows of ${dim} values, got ${images.length}.`);
  }
  let sum = 0;
  for (let row = 0; row < count; row++) sum += cosineSimilarity(text, images, row * dim);
  return sum / count;
}
