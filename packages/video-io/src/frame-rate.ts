/**
 * Frame rates as exact fractions. Containers store time as integers (ffmpeg `-framerate 30000/1001`,
 * Y4M `F30000:1001`, APNG `delay_num/delay_den`), so a float fps is turned into the closest fraction whose
 * terms fit the container (continued fractions, best rational approximation).
 */

/** A frame rate `numerator / denominator` frames per second. */
export interface FrameRate {
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * The best fraction for `fps` with both terms ≤ `maxTerm` (default 65535, the APNG limit). Integers map to
 * `n/1`; 29.97002997 (= 30000/1001) maps to 30000/1001.
 */
export function fpsToFraction(fps: number, maxTerm = 65535): FrameRate {
  if (Number.isInteger(fps) && fps <= maxTerm) {
    return { numerator: fps, denominator: 1 };
  }
  // Continued-fraction convergents p/q of fps; stop before a term exceeds maxTerm.
  let [previousP, p] = [1, Math.floor(fps)];
  let [previousQ, q] = [0, 1];
  let remainder = fps - Math.floor(fps);
  while (remainder > 1e-9) {
    const inverse = 1 / remainder;
    const term = Math.floor(inverse);
    const nextP = term * p + previousP;
    const nextQ = term * q + previousQ;
    if (nextP > maxTerm || nextQ > maxTerm) break;
    [previousP, p, previousQ, q] = [p, nextP, q, nextQ];
    remainder = inverse - term;
  }
  return { numerator: Math.max(p, 1), denominator: q };
}
