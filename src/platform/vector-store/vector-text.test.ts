import { describe, expect, it } from 'vitest';
import { vectorLiteral } from './vector-text.js';

describe('vectorLiteral', () => {
  it('writes values between -1 and 1 with nine decimals, and others as JavaScript does', () => {
    expect(vectorLiteral([0.5, -0.000123, 0, -0, 0.999999999, -0.0123456789])).toBe('{0.500000000,-0.000123000,0.000000000,0.000000000,0.999999999,-0.012345679}');
    expect(vectorLiteral([1, -2.5, 1e-12, -1e-12, 123456.789, 0.9999999996, -1])).toBe('{1,-2.5,0.000000000,0.000000000,123456.789,0.9999999996,-1}');
    expect(vectorLiteral([])).toBe('{}');
  });

  it('keeps every value within 5e-10 of the original', () => {
    const values = Array.from({ length: 2_000 }, (_value, index) => Math.sin(index * 12.9898) * 0.99);
    const parsed = vectorLiteral(values).slice(1, -1).split(',').map(Number);
    parsed.forEach((value, index) => expect(Math.abs(value - values[index]!)).toBeLessThanOrEqual(5e-10));
  });

  it('grows its buffer for long vectors', () => {
    const long = Array.from({ length: 5_000 }, () => -0.25);
    expect(vectorLiteral(long)).toBe(`{${Array.from({ length: 5_000 }, () => '-0.250000000').join(',')}}`);
  });
});
