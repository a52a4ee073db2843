import { InsufficientMemoryError } from '@mav/cascade';
import { AbortError } from '@mav/tensor';
import { describe, expect, it } from 'vitest';
import { decodeJobError, encodeJobError, jobErrorFrom } from './job-failure.js';

describe('job errors', () => {
  it('keeps a mav error code, calls option checks invalid-option, an abort cancelled', () => {
    const memory = new InsufficientMemoryError({ estimatedBytes: 10, limitBytes: 5, stage: 'decoder' });
    expect(jobErrorFrom(memory).code).toBe(memory.code);
    expect(jobErrorFrom(new RangeError('fps must be a number in [1, 30]\nmore'))).toEqual({
      code: 'invalid-option',
      message: 'fps must be a number in [1, 30]',
    });
    expect(jobErrorFrom(new AbortError()).code).toBe('cancelled');
    const controller = new AbortController();
    controller.abort();
    expect(jobErrorFrom(new Error('whatever'), controller.signal).code).toBe('cancelled');
    expect(jobErrorFrom(new Error('boom')).code).toBe('internal');
  });

  it("round-trips through BullMQ's failedReason, and names BullMQ's own reasons", () => {
    const error = { code: 'corrupt-input', message: 'the image does not decode' };
    expect(decodeJobError(encodeJobError(error))).toEqual(error);
    expect(decodeJobError('job stalled more than allowable limit').code).toBe('stalled');
    expect(decodeJobError('something else')).toEqual({ code: 'internal', message: 'something else' });
  });
});
