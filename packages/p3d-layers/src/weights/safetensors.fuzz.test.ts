import { expectDocumentedErrors, fuzzRuns, mutatedBytes, peakResidentBytes } from '@mav/fuzz';
import { Tensor } from '@mav/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readSafetensors,
  readSafetensorsFrom,
  type SafetensorsContents,
  writeSafetensors,
} from './safetensors.js';
import { SafetensorsError } from './weight-errors.js';

// Untrusted bytes: every input either parses or throws SafetensorsError (naming the file), from both
// readers alike; a parse never holds more than twice the input's bytes (BF16 widens to float32).

const seeds = [
  writeSafetensors(
    {
      'conv.weight': new Tensor({ dtype: 'float32', dims: [2, 3], data: [1, -2, 3.5, 0, 1e-8, -7] }),
      'conv.bias': new Tensor({ dtype: 'float16', dims: [3], data: [0.5, -1, 65504] }),
      steps: new Tensor({ dtype: 'int64', dims: [2], data: [1n, -3n] }),
      mask: new Tensor({ dtype: 'bool', dims: [2], data: [1, 0] }),
      empty: new Tensor({ dtype: 'float32', dims: [0, 4] }),
    },
    { format: 'pt' },
  ),
  writeSafetensors({ ids: new Tensor({ dtype: 'int32', dims: [4], data: [1, 2, 3, 4] }) }),
  // Mostly data: mutations there leave a valid file whose values change.
  writeSafetensors({
    table: new Tensor({
      dtype: 'float32',
      dims: [16, 16],
      data: Array.from({ length: 256 }, (_, index) => Math.sin(index)),
    }),
  }),
  writeSafetensors({}),
  bf16File(),
];

/** A file with one BF16 tensor (writeSafetensors writes none). */
function bf16File(): Uint8Array {
  const json = new TextEncoder().encode('{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}');
  const out = new Uint8Array(8 + json.length + 4);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set([0xc0, 0x3f, 0x80, 0xc0], 8 + json.length);
  return out;
}

/** Header entries near the valid form: the fields a parser must check, with hostile values. */
const hostileHeader = fc
  .dictionary(
    fc.oneof(fc.constantFrom('w', '__metadata__', 'a.b'), fc.string({ maxLength: 8 })),
    fc.oneof(
      fc.record({
        dtype: fc.oneof(
          fc.constantFrom('F32', 'F16', 'BF16', 'I32', 'I64', 'U8', 'BOOL', 'F64'),
          fc.string(),
        ),
        shape: fc.oneof(
          fc.array(fc.oneof(fc.nat(8), fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 31, 1e300)), { maxLength: 4 }),
          fc.jsonValue(),
        ),
        data_offsets: fc.oneof(
          fc.tuple(fc.nat(64), fc.nat(64)),
          fc.array(fc.oneof(fc.nat(), fc.constantFrom(-1, 2 ** 53, 2 ** 62, 0.5)), { maxLength: 3 }),
          fc.jsonValue(),
        ),
      }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer())),
      fc.jsonValue(),
    ),
    { maxKeys: 4 },
  )
  .chain((header) =>
    fc.uint8Array({ maxLength: 64 }).map((data) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + data.length);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      out.set(data, 8 + json.length);
      return out;
    }),
  );

const inputs = fc.oneof(
  { arbitrary: mutatedBytes(seeds), weight: 3 },
  { arbitrary: hostileHeader, weight: 1 },
);

const isSafetensorsError = (error: unknown) =>
  SafetensorsError.isInstance(error) && (error as SafetensorsError).fileName === 'fuzz.safetensors';

function heldBytes(contents: SafetensorsContents): number {
  return Object.values(contents.tensors).reduce((total, tensor) => total + tensor.data.byteLength, 0);
}

describe('safetensors readers on untrusted bytes', () => {
  it(`parse or throw SafetensorsError, both readers alike, for ${fuzzRuns} mutated and hostile files`, async () => {
    const baseline = peakResidentBytes();
    await fc.assert(
      fc.asyncProperty(inputs, async (bytes) => {
        const options = { fileName: 'fuzz.safetensors' };
        let syncError: unknown;
        let inMemory: SafetensorsContents | undefined;
        try {
          inMemory = readSafetensors(bytes, options);
        } catch (error) {
          syncError = error;
        }
        if (syncError !== undefined) {
          await expectDocumentedErrors(
            () => {
              throw syncError;
            },
            [isSafetensorsError],
            bytes,
          );
        }
        const source = {
          size: bytes.length,
          async readInto(target: Uint8Array, position: number) {
            if (position + target.length > bytes.length)
              throw new RangeError('read past the end of the input');
            target.set(bytes.subarray(position, position + target.length));
          },
        };
        const byOffset = await expectDocumentedErrors(
          () => readSafetensorsFrom(source, options),
          [isSafetensorsError],
          bytes,
        );
        // Same verdict from both readers, and the same tensors when the file is valid.
        expect(byOffset === undefined).toBe(inMemory === undefined);
        if (inMemory !== undefined && byOffset !== undefined) {
          expect(heldBytes(inMemory)).toBeLessThanOrEqual(2 * bytes.length);
          expect(Object.keys(byOffset.tensors)).toEqual(Object.keys(inMemory.tensors));
          for (const [name, tensor] of Object.entries(inMemory.tensors)) {
            expect(byOffset.tensors[name]!.dims).toEqual(tensor.dims);
            expect(new Uint8Array(byOffset.tensors[name]!.data.buffer)).toEqual(
              new Uint8Array(tensor.data.buffer),
            );
          }
        }
      }),
      { numRuns: fuzzRuns },
    );
    expect(peakResidentBytes() - baseline).toBeLessThan(256 * 2 ** 20);
  });
});
