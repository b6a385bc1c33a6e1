import { describe, expect, it } from 'vitest';
import { formatJsonTokens, JsonSyntaxError, parseJsonText, scanJson } from './json-text.js';

function syntaxErrorOf(text: string): JsonSyntaxError {
  try {
    scanJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} scanned without error`);
}

describe('scanJson', () => {
  it.each([
    '{}',
    '[]',
    '0',
    '-0.5e+10',
    '"text with \\"quotes\\" and \\u00e9 \\n"',
    'true',
    ' null ',
    '{"a": [1, 2, {"b": null}], "c": {"d": false}}',
    '[[[[[]]]]]',
    '{"": ""}',
  ])('accepts %s as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(() => scanJson(text)).not.toThrow();
  });

  it.each<[string, string, number, number]>([
    ['', 'The text is empty', 1, 1],
    ['{"a": 1,}', 'Trailing comma before "}"', 1, 9],
    ['[1, 2,]', 'Trailing comma before "]"', 1, 7],
    ["{'a': 1}", 'Strings must use double quotes', 1, 2],
    ["['a']", 'Strings must use double quotes', 1, 2],
    ['{a: 1}', 'Property names must be double-quoted strings, found a', 1, 2],
    ['{"a": 1 // note\n}', 'Comments are not allowed in JSON', 1, 9],
    ['[1 2]', 'Unexpected "2": expected "," or a closing bracket', 1, 4],
    ['{"a" 1}', 'Unexpected "1": expected ":"', 1, 6],
    ['[1}', '"}" does not match the open "["', 1, 3],
    ['{"a": undefined}', 'Unexpected word "undefined"', 1, 7],
    ['[NaN]', 'Unexpected word "NaN"', 1, 2],
    ['01', 'Unexpected "1": expected the end of the text', 1, 2],
    ['{"a":\n  [1,\n   2', 'Unexpected end of text: expected "," or a closing bracket', 3, 5],
    ['"unterminated', 'Unterminated string', 1, 1],
    ['"tab\there"', 'Unescaped control character', 1, 5],
    ['"bad \\x escape"', 'Invalid escape "\\x"', 1, 6],
    ['"\\u12"', 'Invalid \\u escape', 1, 2],
    ['{} {}', 'Unexpected "{": expected the end of the text', 1, 4],
  ])('rejects %j with a located reason', (text, reason, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    const error = syntaxErrorOf(text);
    expect(error.reason).toContain(reason);
    expect([error.line, error.column]).toEqual([line, column]);
    expect(error.message).toMatch(`Invalid JSON at line ${line}, column ${column}`);
  });

  it('handles very deep nesting without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

    expect(scanJson(deep)).toHaveLength(200_000);
  });
});

describe('formatJsonTokens', () => {
  const text = '{"b":[1,2,{}],"a":{"x":12345678901234567890,"s":"\\u00e9"},"e":[]}';

  it('pretty-prints with the given indent and keeps scalars verbatim', () => {
    expect(formatJsonTokens(scanJson(text), '  ')).toBe(
      '{\n  "b": [\n    1,\n    2,\n    {}\n  ],\n  "a": {\n    "x": 12345678901234567890,\n    "s": "\\u00e9"\n  },\n  "e": []\n}',
    );
  });

  it('minifies back to the compact text', () => {
    const pretty = formatJsonTokens(scanJson(text), '\t');

    expect(formatJsonTokens(scanJson(pretty), null)).toBe(text);
  });
});

describe('parseJsonText', () => {
  it('parses valid text and locates errors in invalid text', () => {
    expect(parseJsonText('{"a": [1]}')).toEqual({ a: [1] });
    expect(() => parseJsonText('{"a": }')).toThrow(/line 1, column 7/);
  });
});
