import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { mathTools } from './math.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

const run = <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(mathTools, name, input);
const failure = (name: string, input: unknown) => toolErrorOf(mathTools, name, input);

describe('calculator', () => {
  it('evaluates expressions with precedence, powers and functions', async () => {
    expect(await run('calculator', { expression: '2^10 - (3+1)*2' })).toEqual({ expression: '2^10 - (3+1)*2', result: 1016 });
    expect((await run('calculator', { expression: 'round(sqrt(2) * 100, 1)' })).result).toBe(141.4);
    expect((await run('calculator', { expression: 'max(3, 7) % 4 + log(100)' })).result).toBe(5);
  });

  it('hides binary floating-point noise in the result but keeps large integers exact', async () => {
    expect((await run('calculator', { expression: '0.1 + 0.2' })).result).toBe(0.3);
    expect((await run('calculator', { expression: '2^60' })).result).toBe(1152921504606846976);
  });

  it('turns bad expressions into tool errors with a useful message', async () => {
    expect((await failure('calculator', { expression: '1/0' })).message).toMatch(/Division by zero/);
    expect((await failure('calculator', { expression: 'x + 1' })).message).toMatch(/Unknown name "x"/);
    expect((await failure('calculator', { expression: 'process.exit()' })).message).toMatch(/Unknown name "process"|Unexpected/);
  });

  it('rejects an over-long expression at the schema', async () => {
    await expect(run('calculator', { expression: '1+'.repeat(1_500) })).rejects.toThrow(ZodError);
  });
});

describe('statistics', () => {
  it('summarises a list of numbers', async () => {
    const summary = await run('statistics', { values: [2, 4, 4, 4, 5, 5, 7, 9], percentiles: [25, 50, 90] });

    expect(summary).toMatchObject({
      count: 8,
      sum: 40,
      mean: 5,
      median: 4.5,
      modes: [4],
      min: 2,
      max: 9,
      range: 7,
      populationVariance: 4,
      populationStandardDeviation: 2,
      percentiles: { p25: 4, p50: 4.5, p90: 7.6 },
    });
    expect(summary.sampleVariance).toBeCloseTo(32 / 7, 12);
    expect(summary.sampleStandardDeviation).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('handles one value, ties for the mode, unsorted input and the default percentiles', async () => {
    const single = await run('statistics', { values: [42] });
    expect(single).toMatchObject({ median: 42, sampleVariance: null, sampleStandardDeviation: null, populationVariance: 0, modes: [] });
    expect(Object.keys(single.percentiles as object)).toEqual(['p25', 'p50', 'p75', 'p90', 'p95', 'p99']);

    const tied = await run('statistics', { values: [3, 1, 3, 2, 1] });
    expect(tied).toMatchObject({ modes: [1, 3], median: 2, min: 1, max: 3 });
  });

  it('sums many small values accurately', async () => {
    const summary = await run('statistics', { values: Array.from({ length: 10_000 }, () => 0.1) });

    expect(summary.sum).toBe(1000);
  });

  it('rejects empty lists, non-numbers and percentiles outside 0..100', async () => {
    await expect(run('statistics', { values: [] })).rejects.toThrow(ZodError);
    await expect(run('statistics', { values: [1, 'two'] })).rejects.toThrow(ZodError);
    await expect(run('statistics', { values: [1], percentiles: [101] })).rejects.toThrow(ZodError);
  });
});

describe('unit_convert', () => {
  it.each([
    [5, 'mi', 'km', 8.04672],
    [1, 'in', 'cm', 2.54],
    [100, 'feet', 'm', 30.48],
    [1, 'lb', 'g', 453.59237],
    [1, 'gal', 'L', 3.785411784],
    [1, 'acre', 'm²', 4046.8564224],
    [100, 'km/h', 'mph', 62.1371192237334],
    [2, 'hours', 'min', 120],
    [1, 'GiB', 'MB', 1073.741824],
    [1, 'PiB', 'B', 2 ** 50],
    [8, 'Mbit', 'MB', 1],
    [98.6, 'F', 'C', 37],
    [0, '°C', 'K', 273.15],
    [-40, 'celsius', 'fahrenheit', -40],
    [1, 'atm', 'kPa', 101.325],
    [30, 'psi', 'bar', 2.06842718795],
    [1, 'kWh', 'kJ', 3600],
    [1, 'kcal', 'J', 4184],
  ])('%d %s = %d %s', async (value, from, to, expected) => {
    const conversion = await run<{ result: number }>('unit_convert', { value, from, to });

    expect(conversion.result).toBeCloseTo(expected, 9);
  });

  it('reports the resolved unit symbols and dimension', async () => {
    expect(await run('unit_convert', { value: 3, from: 'kilometres', to: 'metre' })).toEqual({
      value: 3,
      from: 'km',
      to: 'm',
      dimension: 'length',
      result: 3000,
    });
  });

  it('explains incompatible, unknown and ambiguous units and impossible temperatures', async () => {
    expect((await failure('unit_convert', { value: 1, from: 'kg', to: 'm' })).message).toBe('Cannot convert kg (mass) to m (length)');
    expect((await failure('unit_convert', { value: 1, from: 'furlong', to: 'm' })).message).toMatch(/Unknown unit "furlong". Known units: length \(nm, um/);
    expect((await failure('unit_convert', { value: 1, from: 'mb', to: 'kB' })).message).toMatch(/"mb" is ambiguous: write one of MB, Mbit exactly/);
    expect((await failure('unit_convert', { value: -300, from: 'C', to: 'F' })).message).toMatch(/below absolute zero/);
    expect((await failure('unit_convert', { value: 1, from: '__proto__', to: 'm' })).message).toMatch(/Unknown unit/);
  });
});

describe('number_base_convert', () => {
  it.each([
    [{ value: 'ff', fromBase: 16, toBase: 2 }, '11111111', '255'],
    [{ value: '0xFF', toBase: 10 }, '255', '255'],
    [{ value: '0b1010_1010', toBase: 16 }, 'aa', '170'],
    [{ value: '-255', toBase: 16 }, '-ff', '-255'],
    [{ value: 'zz', fromBase: 36, toBase: 10 }, '1295', '1295'],
    [{ value: '18446744073709551615', toBase: 16 }, 'ffffffffffffffff', '18446744073709551615'],
    [{ value: '0', fromBase: 7, toBase: 3 }, '0', '0'],
  ])('%j', async (input, result, decimal) => {
    expect(await run('number_base_convert', input)).toMatchObject({ result, decimal });
  });

  it('rejects digits outside the base, fractions and empty numbers', async () => {
    expect((await failure('number_base_convert', { value: '129', fromBase: 8, toBase: 10 })).message).toBe('"9" is not a digit in base 8');
    expect((await failure('number_base_convert', { value: '1.5', toBase: 2 })).message).toMatch(/only whole numbers/);
    expect((await failure('number_base_convert', { value: '-', toBase: 2 })).message).toMatch(/contains no digits/);
    await expect(run('number_base_convert', { value: '1', toBase: 37 })).rejects.toThrow(ZodError);
  });
});

describe('random', () => {
  it('draws integers inside the inclusive range', async () => {
    const { values } = await run<{ values: number[] }>('random', { kind: 'integer', min: -3, max: 3, count: 500 });

    expect(values).toHaveLength(500);
    expect(values.every((value) => Number.isInteger(value) && value >= -3 && value <= 3)).toBe(true);
    // 500 draws from 7 values: missing either end would be astronomically unlikely.
    expect(values).toContain(-3);
    expect(values).toContain(3);
  });

  it('draws distinct integers, all of a range when count equals its size', async () => {
    const { values } = await run<{ values: number[] }>('random', { kind: 'integer', min: 10, max: 19, count: 10, unique: true });

    expect([...values].sort((left, right) => left - right)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('draws floats in [min, max), UUIDs v4, picks and shuffles', async () => {
    const floats = await run<{ values: number[] }>('random', { kind: 'float', min: 5, max: 6, count: 100 });
    expect(floats.values.every((value) => value >= 5 && value < 6)).toBe(true);

    const uuids = await run<{ values: string[] }>('random', { kind: 'uuid', count: 3 });
    expect(uuids.values.every((value) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(value))).toBe(true);
    expect(new Set(uuids.values).size).toBe(3);

    const items = ['a', 'b', 'c', 'd'];
    const picked = await run<{ values: string[] }>('random', { kind: 'pick', items, count: 4, unique: true });
    expect([...picked.values].sort()).toEqual(items);

    const shuffledItems = await run<{ values: string[] }>('random', { kind: 'shuffle', items });
    expect([...shuffledItems.values].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects impossible requests', async () => {
    expect((await failure('random', { kind: 'integer', min: 5, max: 1 })).message).toMatch(/min must not be greater than max/);
    expect((await failure('random', { kind: 'integer', min: 1, max: 3, count: 4, unique: true })).message).toMatch(/Cannot draw 4 distinct/);
    expect((await failure('random', { kind: 'integer', min: 0.5, max: 3 })).message).toMatch(/whole numbers/);
    expect((await failure('random', { kind: 'integer', min: 0, max: 2 ** 50 })).message).toMatch(/below 2\^48/);
    expect((await failure('random', { kind: 'float', min: 1, max: 1 })).message).toMatch(/min must be less than max/);
    expect((await failure('random', { kind: 'pick' })).message).toMatch(/needs a non-empty items list/);
    expect((await failure('random', { kind: 'pick', items: ['a'], count: 2, unique: true })).message).toMatch(/Cannot pick 2 distinct/);
    await expect(run('random', { kind: 'dice' })).rejects.toThrow(ZodError);
  });
});
