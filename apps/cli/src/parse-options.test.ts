import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { choiceParser, integerParser, numberParser, parseSize, perStageParser } from './parse-options.js';

describe('option parsers', () => {
  it('accepts integers in range and refuses everything else', () => {
    const parse = integerParser(1, 10);
    expect(parse('7')).toBe(7);
    expect(parse(' 10 ')).toBe(10);
    for (const bad of ['0', '11', '2.5', 'abc', '', '0x5', '1e400', 'NaN', '-3']) {
      expect(() => parse(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('accepts decimal numbers, with an exclusive lower bound when asked', () => {
    const parse = numberParser(0, 240, { exclusiveMin: true });
    expect(parse('29.97')).toBeCloseTo(29.97);
    expect(parse('1e1')).toBe(10);
    expect(() => parse('0')).toThrow(/above 0/);
    expect(() => parse('Infinity')).toThrow(InvalidArgumentError);
    expect(() => parse('241')).toThrow(InvalidArgumentError);
    expect(numberParser(0, 10)('0')).toBe(0);
  });

  it('reads one number for every stage, stage=number pairs, or both', () => {
    const parse = perStageParser(integerParser(1, 100));
    expect(parse('4')).toEqual({ all: 4, byStage: {} });
    expect(parse('decoder=8, prior=2')).toEqual({ byStage: { decoder: 8, prior: 2 } });
    expect(parse('2,decoder=8')).toEqual({ all: 2, byStage: { decoder: 8 } });
    expect(() => parse('decodr=8')).toThrow(/Unknown stage 'decodr'/);
    expect(() => parse('decoder=0')).toThrow(InvalidArgumentError);
    expect(() => parse('4,,5')).toThrow(InvalidArgumentError);
  });

  it('reads sizes as N or WxH', () => {
    expect(parseSize('256')).toEqual({ width: 256, height: 256 });
    expect(parseSize('320x240')).toEqual({ width: 320, height: 240 });
    for (const bad of ['0', '1', '256x', 'x256', '-4', '5000', 'big']) {
      expect(() => parseSize(bad), bad).toThrow(InvalidArgumentError);
    }
  });

  it('accepts choices case-insensitively and names the choices otherwise', () => {
    const parse = choiceParser(['cpu', 'wasm'] as const, 'backend');
    expect(parse('CPU')).toBe('cpu');
    expect(() => parse('tpu')).toThrow("Unknown backend 'tpu'. Choose one of: cpu, wasm.");
  });
});
