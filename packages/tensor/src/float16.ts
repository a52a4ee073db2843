/**
 * IEEE 754 binary16 conversions. Rounding is round-to-nearest-even, subnormals are kept, NaN stays NaN and
 * overflow goes to ±Infinity, so these match what GPUs and onnxruntime do when they cast float32 → float16.
 */

const float32Scratch = new Float32Array(1);
const uint32Scratch = new Uint32Array(float32Scratch.buffer);

/** Converts one float (rounded to float32 first) to float16 bits. */
export function toFloat16Bits(value: number): number {
  float32Scratch[0] = value;
  const bits = uint32Scratch[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;

  if (exponent === 0xff) {
    // Infinity or NaN (keep a quiet-NaN payload bit so NaN stays NaN).
    return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) {
    return sign | 0x7c00;
  }
  if (halfExponent <= 0) {
    if (halfExponent < -10) {
      return sign;
    }
    // Subnormal: shift the implicit leading one in, then round to nearest even.
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const halfMantissa = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    const roundUp = remainder > halfway || (remainder === halfway && (halfMantissa & 1) === 1);
    return sign | (halfMantissa + (roundUp ? 1 : 0));
  }
  const halfMantissa = mantissa >>> 13;
  const remainder = mantissa & 0x1fff;
  const roundUp = remainder > 0x1000 || (remainder === 0x1000 && (halfMantissa & 1) === 1);
  // A carry out of the mantissa correctly bumps the exponent (and may reach Infinity).
  return sign | ((halfExponent << 10) + halfMantissa + (roundUp ? 1 : 0));
}

/** Converts float16 bits to the number they represent. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) {
    return sign * mantissa * 2 ** -24;
  }
  if (exponent === 0x1f) {
    return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  }
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Converts an array of floats to float16 bit patterns. */
export function float32ToFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let index = 0; index < values.length; index++) {
    out[index] = toFloat16Bits(values[index]!);
  }
  return out;
}

/** Converts float16 bit patterns to float32 values (exact: every float16 is a float32). */
export function float16ToFloat32(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index++) {
    out[index] = fromFloat16Bits(bits[index]!);
  }
  return out;
}
