import fc from 'fast-check';

/** Options of `mutatedBytes`. */
export interface MutatedBytesOptions {
  /** Most mutations applied to one seed. Default 4. */
  maxMutations?: number;
  /** Longest fully random input (the arbitrary also makes those, a tenth of the time). Default 64. */
  maxRandomLength?: number;
}

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'field'; at: number; value: number; width: 2 | 4 | 8; littleEndian: boolean }
  | { kind: 'copy'; from: number; to: number; length: number };

/** Values that break length and size fields: 0, one, the signed and unsigned extremes. */
const extremeValues = [0, 1, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 53 - 1];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('field' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...extremeValues), fc.nat()),
    width: fc.constantFrom(2 as const, 4 as const, 8 as const),
    littleEndian: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('copy' as const),
    from: fc.nat(),
    to: fc.nat(),
    length: fc.integer({ min: 1, max: 32 }),
  }),
);

function apply(bytes: Uint8Array, change: Mutation): Uint8Array {
  const length = bytes.length;
  switch (change.kind) {
    case 'set': {
      if (length === 0) return bytes;
      const out = bytes.slice();
      out[change.at % length] = change.value;
      return out;
    }
    case 'insert': {
      const at = change.at % (length + 1);
      const out = new Uint8Array(length + change.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(change.bytes, at);
      out.set(bytes.subarray(at), at + change.bytes.length);
      return out;
    }
    case 'delete': {
      if (length === 0) return bytes;
      const at = change.at % length;
      const out = new Uint8Array(length - Math.min(change.length, length - at));
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + change.length), at);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, change.at % (length + 1));
    case 'field': {
      if (length < change.width) return bytes;
      const out = bytes.slice();
      const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const at = change.at % (length - change.width + 1);
      if (change.width === 2) view.setUint16(at, change.value & 0xffff, change.littleEndian);
      else if (change.width === 4) view.setUint32(at, change.value >>> 0, change.littleEndian);
      else view.setBigUint64(at, BigInt(change.value), change.littleEndian);
      return out;
    }
    case 'copy': {
      if (length === 0) return bytes;
      const from = change.from % length;
      const slice = bytes.slice(from, from + change.length);
      const out = bytes.slice();
      out.set(slice.subarray(0, Math.max(0, length - (change.to % length))), change.to % length);
      return out;
    }
  }
}

/**
 * Inputs for fuzzing a parser of untrusted bytes: mostly one of `seeds` (valid files) with a few byte-wise
 * mutations (a byte set, bytes inserted or deleted, a truncation, a 2/4/8-byte field overwritten with an
 * extreme value, a range copied elsewhere), sometimes a seed only truncated, sometimes random bytes.
 */
export function mutatedBytes(
  seeds: readonly Uint8Array[],
  options: MutatedBytesOptions = {},
): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new RangeError('mutatedBytes needs at least one seed.');
  // Plain copies: a Node Buffer's slice() is a view, which would let a mutation reach the seed itself.
  const seed = fc.constantFrom(...seeds.map((bytes) => new Uint8Array(bytes)));
  const mutated = fc
    .tuple(seed, fc.array(mutation, { minLength: 1, maxLength: options.maxMutations ?? 4 }))
    .map(([bytes, changes]) => changes.reduce(apply, bytes));
  const truncated = fc.tuple(seed, fc.nat()).map(([bytes, at]) => bytes.slice(0, at % (bytes.length + 1)));
  const random = fc.uint8Array({ maxLength: options.maxRandomLength ?? 64 });
  return fc.oneof(
    { arbitrary: mutated, weight: 8 },
    { arbitrary: truncated, weight: 1 },
    { arbitrary: random, weight: 1 },
  );
}
