import { MavError, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { initUNetWeights } from '../unet/build-unet.js';
import type { UNetConfig } from '../unet/unet-config.js';
import { loadUNetWeights } from './load-weights.js';
import {
  readSafetensors,
  readSafetensorsFrom,
  type SafetensorsByteSource,
  writeSafetensors,
} from './safetensors.js';
import { SafetensorsError, WeightMismatchError } from './weight-errors.js';

/** A safetensors file from a raw header object and data bytes (for hand-made corrupt files). */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** A `SafetensorsByteSource` over bytes in memory that records the largest read it was asked for. */
function memorySource(bytes: Uint8Array): SafetensorsByteSource & { largestRead: number } {
  return {
    size: bytes.length,
    largestRead: 0,
    async readInto(target, position) {
      this.largestRead = Math.max(this.largestRead, target.length);
      if (position + target.length > bytes.length) throw new RangeError('read past the end');
      target.set(bytes.subarray(position, position + target.length));
    },
  };
}

/** Both readers (in memory and by offset) refuse `bytes` with the same `SafetensorsError`. */
async function expectSafetensorsError(
  bytes: Uint8Array,
  pattern: RegExp,
  tensorName?: string,
): Promise<void> {
  const errors: unknown[] = [];
  try {
    readSafetensors(bytes, { fileName: 'model.safetensors' });
  } catch (caught) {
    errors.push(caught);
  }
  errors.push(
    await readSafetensorsFrom(memorySource(bytes), { fileName: 'model.safetensors' }).catch(
      (caught: unknown) => caught,
    ),
  );
  expect(errors).toHaveLength(2);
  for (const error of errors) {
    expect(SafetensorsError.isInstance(error)).toBe(true);
    expect(MavError.isInstance(error)).toBe(true);
    const typed = error as SafetensorsError;
    expect(typed.fileName).toBe('model.safetensors');
    expect(typed.message).toMatch(/^model\.safetensors/);
    expect(typed.message).toMatch(pattern);
    expect(typed.tensorName).toBe(tensorName);
    if (tensorName) expect(typed.message).toContain(`'${tensorName}'`);
  }
}

const eightBytes = new Uint8Array(8);

describe('safetensors', () => {
  it('round-trips float32, float16, int64 tensors and metadata, byte-compatible with the format', () => {
    const tensors = {
      'b.weight': new Tensor({ dtype: 'float32', dims: [2, 3], data: [1, -2, 3.5, 0, 1e-8, -7] }),
      'a.half': new Tensor({ dtype: 'float16', dims: [3], data: [0.5, -1, 65504] }),
      steps: new Tensor({ dtype: 'int64', dims: [2], data: [1n, -(2n ** 40n)] }),
      empty: new Tensor({ dtype: 'float32', dims: [0, 4] }),
    };
    const bytes = writeSafetensors(tensors, { format: 'pt', config: '{"x":1}' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header['a.half']).toEqual({ dtype: 'F16', shape: [3], data_offsets: [0, 6] });
    const { tensors: read, metadata } = readSafetensors(bytes, { fileName: 'x.safetensors' });
    expect(metadata).toEqual({ format: 'pt', config: '{"x":1}' });
    expect([...read['b.weight']!.data]).toEqual([...tensors['b.weight'].data]);
    expect(read['a.half']!.dtype).toBe('float16');
    expect([...read['a.half']!.data]).toEqual([...tensors['a.half'].data]);
    expect([...read.steps!.data]).toEqual([1n, -(2n ** 40n)]);
    expect(read.empty!.dims).toEqual([0, 4]);
  });

  it('widens BF16 to float32', async () => {
    const data = new Uint8Array(4);
    new DataView(data.buffer).setUint16(0, 0x3fc0, true); // 1.5
    new DataView(data.buffer).setUint16(2, 0xc080, true); // -4
    const file = rawFile({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, data);
    for (const read of [
      readSafetensors(file, { fileName: 'f' }),
      await readSafetensorsFrom(memorySource(file), { fileName: 'f' }),
    ]) {
      expect(read.tensors.w!.dtype).toBe('float32');
      expect([...read.tensors.w!.data]).toEqual([1.5, -4]);
    }
  });

  it('readSafetensorsFrom reads every dtype by offset, as readSafetensors does', async () => {
    const bytes = writeSafetensors(
      {
        'b.weight': new Tensor({ dtype: 'float32', dims: [2, 3], data: [1, -2, 3.5, 0, 1e-8, -7] }),
        'a.half': new Tensor({ dtype: 'float16', dims: [3], data: [0.5, -1, 65504] }),
        steps: new Tensor({ dtype: 'int64', dims: [2], data: [1n, -(2n ** 40n)] }),
        count: new Tensor({ dtype: 'int32', dims: [1], data: [-3] }),
        mask: new Tensor({ dtype: 'bool', dims: [2], data: [1, 0] }),
        empty: new Tensor({ dtype: 'float32', dims: [0, 4] }),
      },
      { format: 'pt' },
    );
    const source = memorySource(bytes);
    const fromSource = await readSafetensorsFrom(source, { fileName: 'x.safetensors' });
    const inMemory = readSafetensors(bytes, { fileName: 'x.safetensors' });
    expect(fromSource.metadata).toEqual({ format: 'pt' });
    expect(Object.keys(fromSource.tensors).sort()).toEqual(Object.keys(inMemory.tensors).sort());
    for (const [name, tensor] of Object.entries(inMemory.tensors)) {
      const read = fromSource.tensors[name]!;
      expect([read.dtype, read.dims]).toEqual([tensor.dtype, tensor.dims]);
      expect([...read.data]).toEqual([...tensor.data]);
    }
    // The header, then one read per tensor: never the whole file at once.
    expect(source.largestRead).toBeLessThan(bytes.length);
  });

  it('readSafetensorsFrom validates the header before allocating any tensor', async () => {
    // A 100-byte "file" whose header claims a 64 GiB tensor: refused from the header alone.
    const file = rawFile(
      { w: { dtype: 'F32', shape: [2 ** 34], data_offsets: [0, 2 ** 36] } },
      new Uint8Array(8),
    );
    const source = memorySource(file);
    await expectSafetensorsError(file, /lie outside the 8 data bytes/, 'w');
    await readSafetensorsFrom(source, { fileName: 'w' }).catch(() => undefined);
    expect(source.largestRead).toBeLessThan(file.length);
  });

  it('rejects a file shorter than the header length field', async () => {
    await expectSafetensorsError(new Uint8Array(5), /truncated/);
  });

  it('rejects a header length beyond the end of the file', async () => {
    await expectSafetensorsError(
      rawFile({}, new Uint8Array(0), 1000n),
      /truncated: the header needs 1008 bytes/,
    );
  });

  it('rejects an absurd header length before reading it', async () => {
    await expectSafetensorsError(rawFile({}, new Uint8Array(0), 2n ** 62n), /exceeds the limit/);
  });

  it('rejects a header that is not JSON, not an object or not UTF-8', async () => {
    await expectSafetensorsError(rawFile('{"a": '), /not valid JSON/);
    await expectSafetensorsError(rawFile('[1, 2]'), /JSON object/);
    const invalidUtf8 = rawFile('{"a":1}');
    invalidUtf8[9] = 0xff;
    await expectSafetensorsError(invalidUtf8, /UTF-8/);
  });

  it('rejects an unknown dtype, naming the tensor', async () => {
    await expectSafetensorsError(
      rawFile({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 8] } }, eightBytes),
      /unsupported dtype "F128"/,
      'w',
    );
  });

  it('rejects a shape that does not match the byte range', async () => {
    await expectSafetensorsError(
      rawFile({ 'conv.weight': { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, eightBytes),
      /shape \[3\] of F32 needs 12 bytes, data_offsets give 8/,
      'conv.weight',
    );
  });

  it('rejects malformed shapes and offsets', async () => {
    await expectSafetensorsError(
      rawFile({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, eightBytes),
      /non-negative integers/,
      'w',
    );
    await expectSafetensorsError(
      rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [8] } }, eightBytes),
      /\[begin, end\]/,
      'w',
    );
    await expectSafetensorsError(
      rawFile({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, eightBytes),
      /reversed/,
      'w',
    );
    await expectSafetensorsError(
      rawFile({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8], extra: 1 } }, eightBytes),
      /unknown field/,
      'w',
    );
  });

  it('rejects data offsets outside the file (truncated data)', async () => {
    const full = writeSafetensors({ w: new Tensor({ dtype: 'float32', dims: [4] }) });
    await expectSafetensorsError(full.subarray(0, full.length - 3), /outside the 13 data bytes/, 'w');
  });

  it('rejects overlapping tensors, holes and trailing bytes', async () => {
    await expectSafetensorsError(
      rawFile(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        eightBytes,
      ),
      /overlap/,
      'b',
    );
    await expectSafetensorsError(
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eightBytes),
      /hole of 4 bytes/,
      'a',
    );
    await expectSafetensorsError(
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, eightBytes),
      /4 bytes after the last tensor/,
    );
  });

  it('rejects metadata that is not a map of strings', async () => {
    await expectSafetensorsError(
      rawFile({ __metadata__: { epoch: 3 } }),
      /__metadata__\.epoch must be a string/,
    );
  });
});

describe('loadUNetWeights', () => {
  const config: UNetConfig = {
    inChannels: 3,
    outChannels: 3,
    sampleSize: 8,
    baseChannels: 8,
    channelMultipliers: [1, 2],
    resBlocksPerLevel: 1,
    attentionLevels: [1],
    attentionHeads: 2,
    normGroups: 4,
    temporalLayers: false,
  };

  it('loads weights saved for the config', () => {
    const weights = initUNetWeights({ config, seed: 3 });
    const loaded = loadUNetWeights({
      bytes: writeSafetensors(weights),
      fileName: 'unet.safetensors',
      config,
    });
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(weights).sort());
    expect([...loaded['conv_in.weight']!.data]).toEqual([...weights['conv_in.weight']!.data]);
  });

  it('reports every missing, unexpected and mis-shaped tensor in one typed error naming the file', () => {
    const weights: Record<string, Tensor> = { ...initUNetWeights({ config, seed: 3 }) };
    delete weights['mid_block.attentions.0.attn1.to_q.weight'];
    delete weights['conv_out.bias'];
    weights['down_blocks.0.resnets.0.conv1.weight'] = new Tensor({ dtype: 'float32', dims: [8, 8, 1, 1] });
    weights['time_embedding.linear_1.bias'] = new Tensor({ dtype: 'int32', dims: [32] });
    weights['down_blocks.0.resnets.0.conv1.temporal_conv.weight'] = new Tensor({
      dtype: 'float32',
      dims: [8, 8, 3],
    });
    let error: unknown;
    try {
      loadUNetWeights({ bytes: writeSafetensors(weights), fileName: 'unet.safetensors', config });
    } catch (caught) {
      error = caught;
    }
    expect(WeightMismatchError.isInstance(error)).toBe(true);
    const mismatch = error as WeightMismatchError;
    expect(mismatch.fileName).toBe('unet.safetensors');
    expect(mismatch.missing).toEqual(['mid_block.attentions.0.attn1.to_q.weight', 'conv_out.bias']);
    expect(mismatch.unexpected).toEqual(['down_blocks.0.resnets.0.conv1.temporal_conv.weight']);
    expect(mismatch.misshaped.map((entry) => entry.name).sort()).toEqual([
      'down_blocks.0.resnets.0.conv1.weight',
      'time_embedding.linear_1.bias',
    ]);
    expect(mismatch.message).toMatch(/^unet\.safetensors/);
    expect(mismatch.message).toContain(
      "wrong shape: 'down_blocks.0.resnets.0.conv1.weight' expected [8, 8, 3, 3], got [8, 8, 1, 1]",
    );
    expect(mismatch.message).toContain("wrong dtype: 'time_embedding.linear_1.bias'");
    expect(mismatch.message).toMatch(/5 problems/);
  });
});
