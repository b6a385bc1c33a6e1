import { describe, expect, it } from 'vitest';
import { ArithmeticError, evaluateArithmetic, MAX_EXPRESSION_LENGTH } from './arithmetic.js';

function errorOf(expression: string): ArithmeticError {
  try {
    evaluateArithmetic(expression);
  } catch (error) {
    if (error instanceof ArithmeticError) return error;
    throw error;
  }
  throw new Error(`"${expression}" evaluated without error`);
}

describe('evaluateArithmetic', () => {
  it.each([
    ['2^10 - (3+1)*2', 1016],
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 / 4', 2.5],
    ['10 % 4', 2],
    ['-7 % 3', -1],
    ['2 ** 3', 8],
    ['2^3^2', 512],
    ['-2^2', -4],
    ['(-2)^2', 4],
    ['2^-1', 0.5],
    ['--3', 3],
    ['+4 - -4', 8],
    ['1.5e3 + .5', 1500.5],
    ['2E-3 * 1000', 2],
    ['  3   *\t4 ', 12],
    ['sqrt(16) + abs(-3)', 7],
    ['round(2.5) + floor(2.9) + ceil(2.1)', 8],
    ['round(3.14159, 2)', 3.14],
    ['min(4, 2, 8) + max(4, 2, 8)', 10],
    ['log(1000)', 3],
    ['log(8, 2)', 3],
    ['ln(e)', 1],
    ['exp(0)', 1],
    ['sin(0) + cos(0) + tan(0)', 1],
    ['PI', Math.PI],
    ['2 * pi', 2 * Math.PI],
    ['SQRT(9)', 3],
    ['max(1, min(5, 3) * 2, 4)', 6],
  ])('%s = %d', (expression, expected) => {
    expect(evaluateArithmetic(expression)).toBeCloseTo(expected, 12);
  });

  it.each([
    ['1 / 0', /Division by zero at position 2/],
    ['5 % (2 - 2)', /Modulo by zero/],
    ['foo + 1', /Unknown name "foo" at position 0; known: pi, e, sqrt\(\)/],
    ['constructor', /Unknown name "constructor"/],
    ['__proto__', /Unknown name "__proto__"/],
    ['toString(1)', /Unknown name "toString"/],
    ['hasOwnProperty', /Unknown name "hasOwnProperty"/],
    ['sqrt', /sqrt is a function: write sqrt\(...\)/],
    ['sqrt(-1)', /sqrt of a negative number/],
    ['log(0)', /log is only defined for positive numbers/],
    ['log(8, 1)', /log base must be positive and not 1/],
    ['ln(-1)', /ln is only defined/],
    ['(-8)^(1/3)', /is not a real number/],
    ['sqrt(1, 2)', /sqrt\(\) takes 1 argument\(s\), got 2/],
    ['max()', /max\(\) takes 1 to 1000 argument\(s\), got 0/],
    ['round(1.5, 0.5)', /whole number of digits/],
    ['(1 + 2', /Missing "\)" for the "\(" at position 0/],
    ['1 + 2)', /unmatched "\)"/],
    ['2 3', /"3" \(missing operator\?\)/],
    ['2 pi', /"pi" \(missing operator\?\)/],
    ['1 +', /Unexpected end of expression/],
    ['* 2', /Unexpected "\*" at position 0/],
    ['1 + $', /Unexpected character "\$" at position 4/],
    ['alert("x")', /Unexpected character/],
    ['this.constructor', /Unexpected character "\."/],
    ['', /empty/],
    ['   ', /empty/],
    ['10^400', /not a finite number/],
  ])('rejects %s', (expression, message) => {
    expect(errorOf(expression).message).toMatch(message);
  });

  it('reports the position of the offending character', () => {
    expect(errorOf('1 + 2 / 0').position).toBe(6);
    expect(errorOf('12 + bogus').position).toBe(5);
  });

  it('rejects expressions longer than the limit before parsing them', () => {
    const long = `${'1+'.repeat(MAX_EXPRESSION_LENGTH / 2)}1`;

    expect(errorOf(long).message).toMatch(/too long \(2001 characters, limit 2000\)/);
  });

  it('accepts a long flat expression within the limit', () => {
    expect(evaluateArithmetic(`${'1+'.repeat(900)}1`)).toBe(901);
  });

  it('rejects deep nesting with a clear error instead of overflowing the stack', () => {
    expect(errorOf(`${'('.repeat(500)}1${')'.repeat(500)}`).message).toMatch(/nested too deeply/);
    expect(errorOf(`${'-'.repeat(1_000)}1`).message).toMatch(/nested too deeply/);
    expect(errorOf(`${'sqrt('.repeat(200)}1${')'.repeat(200)}`).message).toMatch(/nested too deeply/);
    expect(errorOf(Array.from({ length: 100 }, () => '2').join('^')).message).toMatch(/nested too deeply/);
  });

  it('accepts moderate nesting', () => {
    expect(evaluateArithmetic(`${'('.repeat(30)}2${')'.repeat(30)}`)).toBe(2);
  });

  it('never touches Object.prototype', () => {
    for (const attempt of ['__proto__', 'constructor', 'prototype', 'valueOf()', 'toString()']) {
      expect(() => evaluateArithmetic(attempt)).toThrow(ArithmeticError);
    }
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});
