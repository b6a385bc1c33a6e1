import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ArithmeticError, evaluateArithmetic, MAX_EXPRESSION_LENGTH } from '../../expressions/arithmetic.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { summarizeNumbers } from './descriptive-statistics.js';
import {
  distinctIntegers,
  MAX_RANDOM_INTEGER_SPAN,
  randomIntegerInclusive,
  randomUnitFloat,
  shuffled,
} from './random-values.js';
import { convertUnit, UnitError } from './unit-conversion.js';

const calculator = defineTool({
  name: 'calculator',
  category: 'math',
  description:
    'Evaluates an arithmetic expression exactly as written and returns the number. Supports + - * / % (remainder), ' +
    '^ or ** (power, right-associative), parentheses, unary minus, the functions sqrt abs round(x[, digits]) floor ceil ' +
    'min max log(x[, base], base 10 by default) ln exp sin cos tan (radians), and the constants pi and e. ' +
    'Use it for any calculation instead of computing in your head.',
  inputSchema: z.object({
    expression: z
      .string()
      .max(MAX_EXPRESSION_LENGTH)
      .describe('The expression, e.g. "2^10 - (3+1)*2" or "round(sqrt(2) * 100, 1)"'),
  }),
  async execute({ expression }) {
    try {
      const value = evaluateArithmetic(expression);
      // Fifteen significant digits hide binary noise (0.1 + 0.2 gives 0.3); integers such as 2^60 stay exact.
      return { expression, result: Number.isInteger(value) ? value : Number(value.toPrecision(15)) };
    } catch (error) {
      if (error instanceof ArithmeticError) throw new ToolError(error.message);
      throw error;
    }
  },
});

const statistics = defineTool({
  name: 'statistics',
  category: 'math',
  description:
    'Computes descriptive statistics of a list of numbers: count, sum, mean, median, modes, min, max, range, ' +
    'sample and population variance and standard deviation, and percentiles (linear interpolation, like Excel ' +
    'PERCENTILE.INC and numpy). Sample variance is null for a single value.',
  inputSchema: z.object({
    values: z.array(z.number()).min(1).max(100_000).describe('The numbers to summarise (1 to 100000 of them)'),
    percentiles: z
      .array(z.number().min(0).max(100))
      .max(50)
      .default([25, 50, 75, 90, 95, 99])
      .describe('Percentiles to compute, each from 0 to 100; returned as keys like "p90"'),
  }),
  async execute({ values, percentiles }) {
    return summarizeNumbers(values, percentiles);
  },
});

const unitConvert = defineTool({
  name: 'unit_convert',
  category: 'math',
  description:
    'Converts a value between units of length, mass, volume, area, speed, time, data size, temperature, pressure ' +
    'or energy, e.g. 5 mi -> km, 98.6 F -> C, 1 GiB -> MB, 30 psi -> kPa, 2000 kcal -> kWh. Units are symbols or ' +
    'names ("km", "kilometre", "sq ft", "fl oz", "°C"); US customary volumes; month and year are Gregorian averages; ' +
    'B is byte and b is bit. Fails if the two units measure different things.',
  inputSchema: z.object({
    value: z.number().describe('The quantity to convert'),
    from: z.string().min(1).max(40).describe('The unit of the value, e.g. "mi", "kg", "°F", "GiB"'),
    to: z.string().min(1).max(40).describe('The unit to convert to, of the same kind as `from`'),
  }),
  async execute({ value, from, to }) {
    try {
      return convertUnit(value, from, to);
    } catch (error) {
      if (error instanceof UnitError) throw new ToolError(error.message);
      throw error;
    }
  },
});

const digits = '0123456789abcdefghijklmnopqrstuvwxyz';
const prefixes = new Map([
  ['0x', 16],
  ['0o', 8],
  ['0b', 2],
]);

/** Parses an integer written in `base` (prefix 0x/0o/0b allowed when it matches), as a BigInt. */
function parseBigInteger(text: string, base: number | undefined): { value: bigint; base: number } {
  let body = text.trim().replace(/[_\s]/g, '').toLowerCase();
  const negative = body.startsWith('-');
  if (negative || body.startsWith('+')) body = body.slice(1);
  const prefixBase = prefixes.get(body.slice(0, 2));
  if (prefixBase !== undefined && (base === undefined || base === prefixBase)) body = body.slice(2);
  const effectiveBase = base ?? prefixBase ?? 10;
  if (body === '') throw new ToolError(`"${text}" contains no digits`);
  let value = 0n;
  const bigBase = BigInt(effectiveBase);
  for (const character of body) {
    const digit = digits.indexOf(character);
    if (digit === -1 || digit >= effectiveBase) {
      const hint = character === '.' ? ' (only whole numbers are supported)' : '';
      throw new ToolError(`"${character}" is not a digit in base ${effectiveBase}${hint}`);
    }
    value = value * bigBase + BigInt(digit);
  }
  return { value: negative ? -value : value, base: effectiveBase };
}

const numberBaseConvert = defineTool({
  name: 'number_base_convert',
  category: 'math',
  description:
    'Converts a whole number between bases 2 to 36 (binary, octal, decimal, hexadecimal, base 36 ...) with ' +
    'arbitrary precision, so 64-bit and larger values stay exact. Accepts a minus sign, 0x/0o/0b prefixes and _ ' +
    'separators; letters are case-insensitive. Returns the result in the target base and in decimal.',
  inputSchema: z.object({
    value: z.string().min(1).max(4_096).describe('The number as text, e.g. "ff", "0b1010", "-12345678901234567890"'),
    fromBase: z
      .number()
      .int()
      .min(2)
      .max(36)
      .optional()
      .describe('Base of `value`; default 10, or the base its 0x/0o/0b prefix names'),
    toBase: z.number().int().min(2).max(36).describe('Base to convert to'),
  }),
  async execute({ value, fromBase, toBase }) {
    const parsed = parseBigInteger(value, fromBase);
    return { result: parsed.value.toString(toBase), decimal: parsed.value.toString(10), fromBase: parsed.base, toBase };
  },
});

const random = defineTool({
  name: 'random',
  category: 'math',
  description:
    'Generates cryptographically secure random values: "integer" (whole numbers in [min, max] inclusive, optionally ' +
    'without repeats), "float" (in [min, max)), "uuid" (version 4), "pick" (choose count items from a list) or ' +
    '"shuffle" (the list in random order). Use it whenever true randomness matters (dice, lotteries, sampling).',
  inputSchema: z.object({
    kind: z.enum(['integer', 'float', 'uuid', 'pick', 'shuffle']).describe('What to generate'),
    min: z.number().optional().describe('Lower bound for integer (default 1) and float (default 0)'),
    max: z.number().optional().describe('Upper bound for integer (inclusive, default 100) and float (exclusive, default 1)'),
    count: z.number().int().min(1).max(1_000).default(1).describe('How many values or items to produce'),
    unique: z.boolean().default(false).describe('For integer and pick: no value or list position is chosen twice'),
    items: z.array(z.unknown()).max(10_000).optional().describe('The list for pick and shuffle'),
  }),
  async execute(input) {
    const repeat = <T>(make: () => T): T[] => Array.from({ length: input.count }, make);
    switch (input.kind) {
      case 'integer':
        return { kind: input.kind, values: randomIntegers(input.min ?? 1, input.max ?? 100, input.count, input.unique) };
      case 'float': {
        const min = input.min ?? 0;
        const max = input.max ?? 1;
        if (!(min < max)) throw new ToolError('min must be less than max');
        return { kind: input.kind, values: repeat(() => min + randomUnitFloat() * (max - min)) };
      }
      case 'uuid':
        return { kind: input.kind, values: repeat(() => randomUUID()) };
      case 'pick':
        return { kind: input.kind, values: pick(requireItems(input.items, 'pick'), input.count, input.unique) };
      case 'shuffle':
        return { kind: input.kind, values: shuffled(requireItems(input.items, 'shuffle')) };
    }
  },
});

function randomIntegers(min: number, max: number, count: number, unique: boolean): number[] {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) throw new ToolError('min and max must be whole numbers');
  if (min > max) throw new ToolError('min must not be greater than max');
  if (max - min > MAX_RANDOM_INTEGER_SPAN) throw new ToolError('The range max - min must be below 2^48');
  if (unique && count > max - min + 1) {
    throw new ToolError(`Cannot draw ${count} distinct integers from a range of ${max - min + 1}`);
  }
  if (unique) return distinctIntegers(min, max, count);
  return Array.from({ length: count }, () => randomIntegerInclusive(min, max));
}

function requireItems(items: unknown[] | undefined, kind: string): unknown[] {
  if (!items || items.length === 0) throw new ToolError(`"${kind}" needs a non-empty items list`);
  return items;
}

function pick(items: unknown[], count: number, unique: boolean): unknown[] {
  if (unique && count > items.length) throw new ToolError(`Cannot pick ${count} distinct items from a list of ${items.length}`);
  if (unique) return distinctIntegers(0, items.length - 1, count).map((index) => items[index]);
  return Array.from({ length: count }, () => items[randomIntegerInclusive(0, items.length - 1)]);
}

/** Calculator, statistics, unit conversion, number bases and secure randomness. */
export const mathTools: RegisteredTool[] = [calculator, statistics, unitConvert, numberBaseConvert, random];
