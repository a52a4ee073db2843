import { InsufficientMemoryError, ManifestError } from '@mav/cascade';
import { AbortError, BackendUnavailableError, MavError } from '@mav/tensor';
import {
  CorruptInputError,
  DimensionError,
  EncoderMissingError,
  OutputExistsError,
  UnsupportedFormatError,
} from '@mav/video-io';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { detailedMessage, errorOutcome, withCliFlagNames } from './error-exit.js';
import { exitCodes } from './exit-codes.js';

describe('errorOutcome', () => {
  it('gives each kind of error its one status', () => {
    const cases: [unknown, number][] = [
      [new CliError(exitCodes.input, 'image not found: a.png'), exitCodes.input],
      [
        new ManifestError('schema', 'The manifest does not match the schema (1 problem):\n  name: x'),
        exitCodes.model,
      ],
      [
        new InsufficientMemoryError({ estimatedBytes: 2 ** 31, limitBytes: 2 ** 30, stage: 'decoder' }),
        exitCodes.memory,
      ],
      [new BackendUnavailableError('cuda', 'no CUDA here'), exitCodes.backendUnavailable],
      [new CorruptInputError('a.png', 'Could not decode a.png'), exitCodes.input],
      [new UnsupportedFormatError('avi', 'Unsupported format'), exitCodes.usage],
      [new EncoderMissingError('ffmpeg', 'Could not run ffmpeg'), exitCodes.output],
      [new DimensionError('0 frames'), exitCodes.output],
      [new OutputExistsError('/x', 'directory', '/x is an existing directory'), exitCodes.output],
      [new AbortError('stop'), exitCodes.interrupted],
      [new MavError('weight-mismatch', 'd.safetensors: the weights do not fit'), exitCodes.model],
      [new MavError('something-new', 'nobody expected this'), exitCodes.internal],
      [new RangeError('numFrames must be a positive integer, got 0.'), exitCodes.usage],
      [new TypeError('x is not a function'), exitCodes.internal],
      ['a thrown string', exitCodes.internal],
    ];
    for (const [error, status] of cases) expect(errorOutcome(error).exitCode, String(error)).toBe(status);
  });

  it('keeps every line of a message, the details indented', () => {
    const error = new ManifestError(
      'schema',
      'The manifest does not match the schema (2 problems):\n  name: expected string\n  stages: expected object',
    );
    expect(errorOutcome(error).message).toBe(
      'model error: The manifest does not match the schema (2 problems):\n  name: expected string\n  stages: expected object',
    );
    expect(detailedMessage('first\n\nsecond\n    third  \n')).toBe('first\n  second\n  third');
  });

  it('names flags, not the API options they become', () => {
    expect(withCliFlagNames('numFrames for extrapolation must be an integer greater than 4, got 4.')).toBe(
      '--frames for extrapolation must be an integer greater than 4, got 4.',
    );
    expect(withCliFlagNames('fps must be a number in [4, 24], got 100 (the video is 8 fps).')).toBe(
      '--fps must be a number in [4, 24], got 100 (the video is 8 fps).',
    );
    const memory = errorOutcome(
      new InsufficientMemoryError({ estimatedBytes: 3 * 2 ** 30, limitBytes: 2 ** 30, stage: 'decoder' }),
    ).message;
    expect(memory).toBe(
      "not enough memory: this run needs an estimated 3.00 GiB at stage 'decoder', more than the memory limit of 1.00 GiB. Try fewer --frames or a smaller --size.",
    );
  });
});
