import { deterministicLog, deterministicSinCosTurns } from './deterministic-math.js';
import { philox4x32 } from './philox.js';
import { describe } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Seeded random streams that give bit-identical values on every platform.
 *
 * Algorithm (documented so other languages can reproduce it):
 * - Key: the 64-bit seed, k0 = low 32 bits, k1 = high 32 bits.
 * - Counter of block b in stream s: (b mod 2^32, ⌊b / 2^32⌋, s mod 2^32, ⌊s / 2^32⌋).
 * - Block b = Philox4x32-10(counter, key) gives the four uint32 words at stream positions 4b … 4b+3.
 * - Uniform at position p: word_p · 2^-32 rounded to float32 by keeping the top 24 bits:
 *   (word_p >>> 8) · 2^-24, in [0, 1).
 * - Normal at position p (Box–Muller on the word pairs (4b, 4b+1) and (4b+2, 4b+3)):
 *   u1 = (word_even + 1) · 2^-32 ∈ (0, 1], u2 = word_odd · 2^-32 ∈ [0, 1),
 *   r = √(−2 ln u1); even position = r·cos(2π u2), odd position = r·sin(2π u2); rounded to float32.
 *   ln, sin and cos are computed with basic arithmetic only (`deterministic-math.ts`).
 *
 * Every value depends only on (seed, stream, position): drawing from one stream never changes another,
 * and drawing n values in one call or in several gives the same values.
 */
export interface RandomStreamOptions {
  /** Seed, a non-negative integer below 2^64 (number or bigint). */
  seed: number | bigint;
  /** Stream id, a non-negative integer below 2^64; use one per independent use of noise. Default 0. */
  stream?: number | bigint;
  /** Position (in values) to start at. Default 0. */
  position?: number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 1 / TWO_POW_32;
const TWO_POW_MINUS_24 = 1 / 16777216;

function toUint64(value: number | bigint, parameter: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${parameter} must be a safe non-negative integer, got ${value}.`);
    }
    value = BigInt(value);
  } else if (typeof value !== 'bigint') {
    throw new TypeError(`${parameter} must be a number or bigint, got ${describe(value)}.`);
  }
  if (value < 0n || value >= 1n << 64n) {
    throw new RangeError(`${parameter} must be in [0, 2^64), got ${value}.`);
  }
  return value;
}

/**
 * A position in one seeded stream of random values. `uniform`, `normal` and `uint32` each consume as many
 * positions as values they return.
 */
export class RandomStream {
  readonly seed: bigint;
  readonly stream: bigint;
  #position: number;
  readonly #key: [number, number];
  readonly #counter: [number, number, number, number];
  readonly #block = new Uint32Array(4);
  #cachedBlock = -1;

  constructor(options: RandomStreamOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`RandomStream options must be an object, got ${describe(options)}.`);
    }
    this.seed = toUint64(options.seed, 'seed');
    this.stream = toUint64(options.stream ?? 0, 'stream');
    const position = options.position ?? 0;
    if (!Number.isSafeInteger(position) || position < 0) {
      throw new RangeError(`position must be a non-negative integer, got ${position}.`);
    }
    this.#position = position;
    this.#key = [Number(this.seed & 0xffffffffn), Number(this.seed >> 32n)];
    this.#counter = [0, 0, Number(this.stream & 0xffffffffn), Number(this.stream >> 32n)];
  }

  /** Position of the next value. */
  get position(): number {
    return this.#position;
  }

  /** A new stream with the same seed and another stream id, starting at position 0. */
  fork(stream: number | bigint): RandomStream {
    return new RandomStream({ seed: this.seed, stream });
  }

  /** The next `count` raw uint32 words. */
  uint32(count: number): Uint32Array {
    const out = new Uint32Array(checkCount(count));
    for (let index = 0; index < out.length; index++) {
      out[index] = this.#word(this.#position + index);
    }
    this.#position += out.length;
    return out;
  }

  /** The next `count` uniform float32 values in [0, 1). */
  uniform(count: number): Float32Array {
    const out = new Float32Array(checkCount(count));
    for (let index = 0; index < out.length; index++) {
      out[index] = (this.#word(this.#position + index) >>> 8) * TWO_POW_MINUS_24;
    }
    this.#position += out.length;
    return out;
  }

  /** The next `count` standard normal float32 values. */
  normal(count: number): Float32Array {
    const out = new Float32Array(checkCount(count));
    return this.fillNormal(out);
  }

  /** Fills `target` with the next standard normal values and returns it. */
  fillNormal(target: Float32Array): Float32Array {
    const start = this.#position;
    const end = start + target.length;
    // Each Box–Muller pair (even position, odd position) shares one radius and one angle: compute them
    // once per pair, and write whichever of the two values fall inside [start, end).
    for (let even = start - (start & 1); even < end; even += 2) {
      const u1 = (this.#word(even) + 1) * TWO_POW_MINUS_32;
      const u2 = this.#word(even + 1) * TWO_POW_MINUS_32;
      const radius = Math.sqrt(-2 * deterministicLog(u1));
      const [sine, cosine] = deterministicSinCosTurns(u2);
      if (even >= start) target[even - start] = radius * cosine;
      if (even + 1 < end) target[even + 1 - start] = radius * sine;
    }
    this.#position = end;
    return target;
  }

  #word(position: number): number {
    const block = Math.floor(position / 4);
    if (block !== this.#cachedBlock) {
      this.#counter[0] = block % TWO_POW_32;
      this.#counter[1] = Math.floor(block / TWO_POW_32);
      philox4x32(this.#counter, this.#key, this.#block);
      this.#cachedBlock = block;
    }
    return this.#block[position & 3]!;
  }
}

function checkCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${count}.`);
  }
  return count;
}

/** Options of `randomNormalTensor` / `randomUniformTensor`. */
export interface RandomTensorOptions extends RandomStreamOptions {
  dims: readonly number[];
}

/** A float32 host tensor of standard normal noise from stream (seed, stream), starting at `position`. */
export function randomNormalTensor(options: RandomTensorOptions): Tensor<'float32'> {
  const tensor = new Tensor({ dtype: 'float32', dims: options.dims });
  new RandomStream(options).fillNormal(tensor.data);
  return tensor;
}

/** A float32 host tensor of uniform [0, 1) noise from stream (seed, stream), starting at `position`. */
export function randomUniformTensor(options: RandomTensorOptions): Tensor<'float32'> {
  const tensor = new Tensor({ dtype: 'float32', dims: options.dims });
  tensor.data.set(new RandomStream(options).uniform(tensor.size));
  return tensor;
}
