import { RandomStream, Tensor } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import {
  applyClassifierFreeGuidance,
  concatenateBatch,
  splitGuidanceBatch,
} from './classifier-free-guidance.js';

const conditional = new RandomStream({ seed: 1 }).normal(1000);
const unconditional = new RandomStream({ seed: 2 }).normal(1000);

describe('applyClassifierFreeGuidance', () => {
  it('changes nothing when conditional and unconditional outputs are identical', () => {
    for (const guidanceScale of [0, 1, 7.5, 15]) {
      for (const guidanceRescale of [0, 0.7]) {
        const guided = applyClassifierFreeGuidance({
          conditional,
          unconditional: conditional.slice(),
          guidanceScale,
          guidanceRescale,
        });
        expect(guided).toEqual(conditional);
      }
    }
  });

  it('scale 1 gives exactly the conditional output, scale 0 the unconditional', () => {
    expect(applyClassifierFreeGuidance({ conditional, unconditional, guidanceScale: 1 })).toEqual(
      conditional,
    );
    expect(applyClassifierFreeGuidance({ conditional, unconditional, guidanceScale: 0 })).toEqual(
      unconditional,
    );
  });

  it('extrapolates u + w (c − u)', () => {
    const guided = applyClassifierFreeGuidance({ conditional, unconditional, guidanceScale: 7.5 });
    for (const index of [0, 17, 999]) {
      const u = unconditional[index]!;
      expect(guided[index]).toBeCloseTo(u + 7.5 * (conditional[index]! - u), 5);
    }
  });

  it('rescale φ = 1 gives each sample the conditional standard deviation', () => {
    const std = (values: Float32Array) => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
    };
    const scaledConditional = conditional.map((value, index) => (index < 500 ? value : 3 * value));
    const guided = applyClassifierFreeGuidance({
      conditional: scaledConditional,
      unconditional,
      guidanceScale: 9,
      guidanceRescale: 1,
      batchSize: 2,
    });
    for (const [start, end] of [
      [0, 500],
      [500, 1000],
    ] as const) {
      expect(std(guided.subarray(start, end))).toBeCloseTo(std(scaledConditional.subarray(start, end)), 4);
    }
    const plain = applyClassifierFreeGuidance({
      conditional: scaledConditional,
      unconditional,
      guidanceScale: 9,
    });
    const half = applyClassifierFreeGuidance({
      conditional: scaledConditional,
      unconditional,
      guidanceScale: 9,
      guidanceRescale: 0.5,
      batchSize: 2,
    });
    expect(half[3]).toBeCloseTo(0.5 * plain[3]! + 0.5 * guided[3]!, 5);
  });

  it('validates its options', () => {
    expect(() =>
      applyClassifierFreeGuidance({ conditional, unconditional: new Float32Array(3), guidanceScale: 2 }),
    ).toThrow(RangeError);
    expect(() =>
      applyClassifierFreeGuidance({ conditional, unconditional, guidanceScale: Number.NaN }),
    ).toThrow(TypeError);
    expect(() =>
      applyClassifierFreeGuidance({ conditional, unconditional, guidanceScale: 2, guidanceRescale: 2 }),
    ).toThrow(/guidanceRescale/);
  });
});

describe('guidance batch helpers', () => {
  it('concatenateBatch stacks along axis 0 and splitGuidanceBatch undoes it', () => {
    const first = new Tensor({ dtype: 'float32', dims: [1, 2], data: [1, 2] });
    const second = new Tensor({ dtype: 'float32', dims: [1, 2], data: [3, 4] });
    const both = concatenateBatch(first, second);
    expect(both.dims).toEqual([2, 2]);
    expect([...both.data]).toEqual([1, 2, 3, 4]);
    const { unconditional, conditional: cond } = splitGuidanceBatch(both.data);
    expect([...unconditional]).toEqual([1, 2]);
    expect([...cond]).toEqual([3, 4]);
    expect(() => concatenateBatch(first, new Tensor({ dtype: 'float32', dims: [1, 3] }))).toThrow(RangeError);
  });
});
