/**
 * Philox4x32-10, the counter-based generator of Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3"
 * (SC 2011), as in the Random123 library.
 *
 * A block is a pure function of a 128-bit counter and a 64-bit key: ten rounds of
 *
 *     (hi0, lo0) = M0 · c0,  (hi1, lo1) = M1 · c2          (32×32 → 64-bit products)
 *     c ← (hi1 ⊕ c1 ⊕ k0,  lo1,  hi0 ⊕ c3 ⊕ k1,  lo0)
 *     k ← (k0 + W0, k1 + W1)                                (mod 2^32, between rounds)
 *
 * with M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85. Only 32-bit integer
 * arithmetic is used (the high half of a product is assembled from 16-bit partial products), so every
 * JavaScript engine produces the same bits.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 values. */
function mulHigh(a: number, b: number): number {
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const bLow = b & 0xffff;
  const bHigh = b >>> 16;
  const lowLow = aLow * bLow;
  const highLow = aHigh * bLow;
  const lowHigh = aLow * bHigh;
  const highHigh = aHigh * bHigh;
  // All partial sums stay below 2^53, so they are exact in float64.
  const cross = (lowLow >>> 16) + (highLow & 0xffff) + lowHigh;
  return (highHigh + (highLow >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/**
 * Computes one Philox4x32-10 block. `counter` is four uint32 words (least significant first), `key`
 * two. Writes four uint32 outputs into `out` at `offset`.
 */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
  out: Uint32Array,
  offset = 0,
): void {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const high0 = mulHigh(M0, c0);
    const low0 = Math.imul(M0, c0) >>> 0;
    const high1 = mulHigh(M1, c2);
    const low1 = Math.imul(M1, c2) >>> 0;
    c0 = (high1 ^ c1 ^ k0) >>> 0;
    c1 = low1;
    c2 = (high0 ^ c3 ^ k1) >>> 0;
    c3 = low0;
  }
  out[offset] = c0;
  out[offset + 1] = c1;
  out[offset + 2] = c2;
  out[offset + 3] = c3;
}
