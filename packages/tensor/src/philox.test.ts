import { describe, expect, it } from 'vitest';
import { philox4x32 } from './philox.js';

function block(counter: [number, number, number, number], key: [number, number]): string[] {
  const out = new Uint32Array(4);
  philox4x32(counter, key, out);
  return [...out].map((word) => word.toString(16).padStart(8, '0'));
}

describe('philox4x32', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32 with 10 rounds).
  it('matches the Random123 known-answer vectors', () => {
    expect(block([0, 0, 0, 0], [0, 0])).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(block([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([
      '408f276d',
      '41c83b0e',
      'a20bc7c6',
      '6d5451fd',
    ]);
    expect(block([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([
      'd16cfe09',
      '94fdcceb',
      '5001e420',
      '24126ea1',
    ]);
  });
});
