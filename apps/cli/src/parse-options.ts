/**
 * Parsers for option values. Each throws commander's `InvalidArgumentError` with a message that says
 * what was expected, so a bad value ends as one line on stderr and exit status 2.
 */
import { type StageName, stageNames } from '@mav/cascade';
import { InvalidArgumentError } from 'commander';

/** The stages a per-stage option (`--steps decoder=4`) may name: those of the cascade. */
export { type StageName, stageNames };

/** A value for every stage (`all`) and/or for named stages. */
export interface PerStageValue {
  readonly all?: number;
  readonly byStage: Partial<Record<StageName, number>>;
}

function parseNumber(text: string): number {
  const trimmed = text.trim();
  // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number.NaN;
  return Number(trimmed);
}

/** An integer in [min, max]. */
export function integerParser(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = parseNumber(text);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`Expected an integer ${range}.`);
    }
    return value;
  };
}

/** A finite number in [min, max] (or (min, max] when `exclusiveMin`). */
export function numberParser(min: number, max: number, options: { exclusiveMin?: boolean } = {}) {
  return (text: string): number => {
    const value = parseNumber(text);
    const tooLow = options.exclusiveMin ? value <= min : value < min;
    if (!Number.isFinite(value) || tooLow || value > max) {
      throw new InvalidArgumentError(
        `Expected a number ${options.exclusiveMin ? `above ${min}` : `from ${min}`} up to ${max}.`,
      );
    }
    return value;
  };
}

/**
 * A number for every stage (`4`), or per stage (`decoder=4,prior=2`), or both (`2,decoder=8`). Stage
 * names are those of {@link stageNames}.
 */
export function perStageParser(parseOne: (text: string) => number) {
  return (text: string): PerStageValue => {
    let all: number | undefined;
    const byStage: Partial<Record<StageName, number>> = {};
    const parts = text.split(',').map((part) => part.trim());
    if (parts.some((part) => part === '')) {
      throw new InvalidArgumentError('Expected a number, or stage=number pairs separated by commas.');
    }
    for (const part of parts) {
      const equals = part.indexOf('=');
      if (equals < 0) {
        all = parseOne(part);
        continue;
      }
      const stage = part.slice(0, equals).trim();
      if (!(stageNames as readonly string[]).includes(stage)) {
        throw new InvalidArgumentError(`Unknown stage '${stage}'. Stages: ${stageNames.join(', ')}.`);
      }
      byStage[stage as StageName] = parseOne(part.slice(equals + 1));
    }
    return all === undefined ? { byStage } : { all, byStage };
  };
}

/** An output size: `256` (square) or `320x256` (width x height). */
export interface OutputSize {
  readonly width: number;
  readonly height: number;
}

/** Parses `--size`: `N` or `WxH`, each from 2 to 4096. */
export function parseSize(text: string): OutputSize {
  const match = /^\s*(\d+)\s*(?:[xX×]\s*(\d+))?\s*$/.exec(text);
  const width = match ? Number(match[1]) : Number.NaN;
  const height = match ? Number(match[2] ?? match[1]) : Number.NaN;
  if (![width, height].every((value) => Number.isSafeInteger(value) && value >= 2 && value <= 4096)) {
    throw new InvalidArgumentError('Expected a size like 256 or 320x256 (2 to 4096 pixels a side).');
  }
  return { width, height };
}

/** A parser that accepts one of `choices`. */
export function choiceParser<T extends string>(choices: readonly T[], what: string) {
  return (text: string): T => {
    const value = text.trim().toLowerCase();
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`Unknown ${what} '${text}'. Choose one of: ${choices.join(', ')}.`);
    }
    return value as T;
  };
}
