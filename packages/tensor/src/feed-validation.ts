import type { ValueMetadata } from './backend-specification.js';
import { SessionInputError } from './errors.js';
import { formatShape } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Checks feeds against a model's declared inputs before a run, so that every adapter reports the same
 * `SessionInputError` (naming the input, expected vs actual) instead of its runtime's own message.
 * Symbolic axes (strings or undefined) accept any size.
 */
export function checkFeeds(
  inputs: readonly ValueMetadata[],
  feeds: Readonly<Record<string, Tensor>>,
  label = 'model',
): void {
  if (typeof feeds !== 'object' || feeds === null) {
    throw new TypeError(`feeds must be an object mapping input names to tensors, got ${String(feeds)}.`);
  }
  const known = new Set(inputs.map((input) => input.name));
  const unknown = Object.keys(feeds).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new SessionInputError(
      `Unknown input ${unknown.map((name) => `'${name}'`).join(', ')} for ${label}; its inputs are ${[...known].map((name) => `'${name}'`).join(', ')}.`,
      unknown[0],
    );
  }
  for (const input of inputs) {
    const feed = feeds[input.name];
    if (feed === undefined) {
      throw new SessionInputError(`Missing input '${input.name}' for ${label}.`, input.name);
    }
    if (!(feed instanceof Tensor) && typeof (feed as { dtype?: unknown })?.dtype !== 'string') {
      throw new TypeError(`feeds['${input.name}'] must be a Tensor.`);
    }
    if (feed.disposed) {
      throw new SessionInputError(
        `Input '${input.name}' for ${label} was disposed before the run.`,
        input.name,
      );
    }
    if (input.dtype !== undefined && feed.dtype !== input.dtype) {
      throw new SessionInputError(
        `Input '${input.name}' for ${label} must be ${input.dtype}, got ${feed.dtype}.`,
        input.name,
      );
    }
    if (input.dims !== undefined) {
      const expected = input.dims;
      const matches =
        expected.length === feed.dims.length &&
        expected.every((dim, axis) => typeof dim !== 'number' || dim === feed.dims[axis]);
      if (!matches) {
        const shown = expected.map((dim) => (typeof dim === 'number' ? String(dim) : (dim ?? '?')));
        throw new SessionInputError(
          `Input '${input.name}' for ${label} must have shape [${shown.join(', ')}], got ${formatShape(feed.dims)}.`,
          input.name,
        );
      }
    }
  }
}

/**
 * Checks fetch names against a model's outputs and returns them (all outputs when `fetches` is omitted).
 */
export function checkFetches(
  outputNames: readonly string[],
  fetches: readonly string[] | undefined,
  label = 'model',
): string[] {
  if (fetches === undefined) {
    return [...outputNames];
  }
  const unknown = fetches.filter((name) => !outputNames.includes(name));
  if (unknown.length > 0) {
    throw new SessionInputError(
      `Unknown output ${unknown.map((name) => `'${name}'`).join(', ')} requested from ${label}; its outputs are ${outputNames.map((name) => `'${name}'`).join(', ')}.`,
    );
  }
  return [...fetches];
}
