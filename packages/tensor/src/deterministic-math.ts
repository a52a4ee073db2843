/**
 * `log`, `sin` and `cos` written with only +, −, ×, ÷ (which IEEE 754 rounds exactly the same everywhere),
 * so that seeded normal noise is bit-identical in every JavaScript engine. `Math.log`/`Math.cos` are
 * implementation-defined and differ between engines in the last bit. Accuracy is about 1e-16 relative,
 * far below the float32 rounding applied to the noise afterwards.
 */

// Math.LN2 and Math.SQRT1_2 are exact constants (not computed), so they are the same everywhere.
const LN2 = Math.LN2;
const SQRT_HALF = Math.SQRT1_2;
const HALF_PI = 1.5707963267948966;

const float64Scratch = new Float64Array(1);
const wordsScratch = new Uint32Array(float64Scratch.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const highWord = littleEndian ? 1 : 0;

/** Natural logarithm of a positive, finite, normal float64. */
export function deterministicLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new RangeError(`deterministicLog needs a positive finite number, got ${x}.`);
  }
  // x = m · 2^e with m in [1, 2): read e from the bits, then rebuild m with the exponent cleared.
  float64Scratch[0] = x;
  const high = wordsScratch[highWord]!;
  let exponent = ((high >>> 20) & 0x7ff) - 1023;
  if (exponent === -1023) {
    throw new RangeError(`deterministicLog does not handle subnormal input ${x}.`);
  }
  wordsScratch[highWord] = (high & 0x800fffff) | (1023 << 20);
  let mantissa = float64Scratch[0]!;
  if (mantissa > 2 * SQRT_HALF) {
    mantissa /= 2;
    exponent += 1;
  }
  // log(m) = 2·atanh(s) with s = (m − 1)/(m + 1), |s| ≤ 0.172: the odd series converges fast.
  const s = (mantissa - 1) / (mantissa + 1);
  const s2 = s * s;
  let series = 1 / 23;
  for (let power = 21; power >= 1; power -= 2) {
    series = series * s2 + 1 / power;
  }
  return exponent * LN2 + 2 * s * series;
}

/** sin(x) and cos(x) for x in [0, π/2], by Taylor series to the 22nd power (error < 3e-16). */
function sinCosQuarter(x: number): [number, number] {
  const x2 = x * x;
  let sine = 1;
  let cosine = 1;
  for (let n = 21; n >= 3; n -= 2) {
    sine = 1 - (sine * x2) / (n * (n - 1));
  }
  for (let n = 22; n >= 2; n -= 2) {
    cosine = 1 - (cosine * x2) / (n * (n - 1));
  }
  return [sine * x, cosine];
}

/**
 * sin(2πu) and cos(2πu) for a turn fraction u in [0, 1). Working in turns keeps the quadrant reduction
 * exact (4u − q has no rounding error for the dyadic u the generator produces).
 */
export function deterministicSinCosTurns(u: number): [number, number] {
  const scaled = 4 * u;
  const quadrant = Math.floor(scaled);
  const [sine, cosine] = sinCosQuarter((scaled - quadrant) * HALF_PI);
  switch (quadrant & 3) {
    case 0:
      return [sine, cosine];
    case 1:
      return [cosine, -sine];
    case 2:
      return [-sine, -cosine];
    default:
      return [-cosine, sine];
  }
}
