import { ToolError } from '../tool.js';

/** A syntax error in JSON text, located for a human: offset, 1-based line and column. */
export class JsonSyntaxError extends ToolError {
  constructor(
    readonly reason: string,
    readonly position: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(`Invalid JSON at line ${line}, column ${column} (position ${position}): ${reason}`);
  }
}

/** A token of JSON text: punctuation, or a scalar kept exactly as written (string, number, literal). */
export type JsonToken = { kind: '{' | '}' | '[' | ']' | ':' | ','; text: string } | { kind: 'scalar'; text: string };

type Expectation = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after-value' | 'end';

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const wordPattern = /[A-Za-z_$][\w$]*/y;

/** Builds the error for `position`, working out its line and column. */
function syntaxError(text: string, position: number, reason: string): JsonSyntaxError {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return new JsonSyntaxError(reason, position, line, column);
}

/** Reads a string token at `start` (the opening quote); returns its end offset. */
function scanString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) return index + 1;
    if (code < 0x20) throw syntaxError(text, index, 'Unescaped control character in string (write \\n, \\t ...)');
    if (code !== 0x5c) continue;
    const escaped = text[index + 1];
    if (escaped === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) throw syntaxError(text, index, 'Invalid \\u escape: it needs four hex digits');
      index += 5;
    } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
      index += 1;
    } else {
      throw syntaxError(text, index, `Invalid escape "\\${escaped ?? ''}" in string`);
    }
  }
  throw syntaxError(text, start, 'Unterminated string');
}

function describeUnexpected(text: string, position: number, expectation: Expectation): string {
  const character = text[position]!;
  wordPattern.lastIndex = position;
  const word = wordPattern.exec(text)?.[0];
  if (character === "'") return 'Strings must use double quotes';
  if (character === '/') return 'Comments are not allowed in JSON';
  if (word) return expectation === 'key' || expectation === 'key-or-close' ? `Property names must be double-quoted strings, found ${word}` : `Unexpected word "${word}" (JSON has only true, false and null)`;
  return `Unexpected character "${character}"`;
}

/** Why the character at `position` cannot come next: a trailing comma, a misplaced token or a foreign one. */
function unexpectedReason(text: string, position: number, expectation: Expectation): string {
  const character = text[position]!;
  if ((character === '}' || character === ']') && (expectation === 'key' || expectation === 'value')) {
    return `Trailing comma before "${character}"`;
  }
  if (/[\]}:,"{[\-0-9tfn]/.test(character)) return `Unexpected "${character}": expected ${expected[expectation]}`;
  return describeUnexpected(text, position, expectation);
}

/** What the grammar expects next, described for an error message. */
const expected: Record<Expectation, string> = {
  value: 'a value',
  'value-or-close': 'a value or "]"',
  key: 'a double-quoted property name',
  'key-or-close': 'a double-quoted property name or "}"',
  colon: '":"',
  'after-value': '"," or a closing bracket',
  end: 'the end of the text',
};

/**
 * Checks JSON text and splits it into tokens, without building values, so nesting depth cannot
 * overflow the stack and numbers keep their exact digits. Steps: skip whitespace; read a token;
 * check it against what the grammar expects (a small state machine with a stack of open brackets).
 * Throws `JsonSyntaxError` at the first problem.
 */
export function scanJson(text: string): JsonToken[] {
  const tokens: JsonToken[] = [];
  const open: ('{' | '[')[] = [];
  let expectation: Expectation = 'value';
  let index = 0;
  const afterValue = (): Expectation => (open.length === 0 ? 'end' : 'after-value');
  for (;;) {
    while (index < text.length && ' \t\n\r'.includes(text[index]!)) index += 1;
    if (index >= text.length) break;
    const character = text[index]!;
    const isValue: boolean = expectation === 'value' || expectation === 'value-or-close';
    if ((character === '}' || character === ']') && (expectation === 'after-value' || expectation === (character === '}' ? 'key-or-close' : 'value-or-close'))) {
      if (open.at(-1) !== (character === '}' ? '{' : '[')) throw syntaxError(text, index, `"${character}" does not match the open "${open.at(-1)}"`);
      open.pop();
      tokens.push({ kind: character, text: character });
      expectation = afterValue();
      index += 1;
    } else if ((character === '{' || character === '[') && isValue) {
      open.push(character);
      tokens.push({ kind: character, text: character });
      expectation = character === '{' ? 'key-or-close' : 'value-or-close';
      index += 1;
    } else if (character === ',' && expectation === 'after-value') {
      tokens.push({ kind: ',', text: ',' });
      expectation = open.at(-1) === '{' ? 'key' : 'value';
      index += 1;
    } else if (character === ':' && expectation === 'colon') {
      tokens.push({ kind: ':', text: ':' });
      expectation = 'value';
      index += 1;
    } else if (character === '"' && (isValue || expectation === 'key' || expectation === 'key-or-close')) {
      const end = scanString(text, index);
      tokens.push({ kind: 'scalar', text: text.slice(index, end) });
      expectation = isValue ? afterValue() : 'colon';
      index = end;
    } else if (isValue && /[-0-9tfn]/.test(character)) {
      numberPattern.lastIndex = index;
      const scalar = numberPattern.exec(text)?.[0] ?? ['true', 'false', 'null'].find((word) => text.startsWith(word, index));
      if (!scalar) throw syntaxError(text, index, describeUnexpected(text, index, expectation));
      tokens.push({ kind: 'scalar', text: scalar });
      expectation = afterValue();
      index += scalar.length;
    } else {
      throw syntaxError(text, index, unexpectedReason(text, index, expectation));
    }
  }
  if (expectation !== 'end') {
    throw syntaxError(text, text.length, tokens.length === 0 ? 'The text is empty' : `Unexpected end of text: expected ${expected[expectation]}`);
  }
  return tokens;
}

/** Re-emits scanned tokens, minified or indented; scalars are copied verbatim. */
export function formatJsonTokens(tokens: JsonToken[], indent: string | null): string {
  if (indent === null) return tokens.map((token) => token.text).join('');
  const parts: string[] = [];
  let depth = 0;
  const newline = (): string => `\n${indent.repeat(depth)}`;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === '{' || token.kind === '[') {
      const next = tokens[index + 1];
      if (next && (next.kind === '}' || next.kind === ']')) {
        parts.push(token.text + next.text);
        index += 1;
        continue;
      }
      depth += 1;
      parts.push(token.text + newline());
    } else if (token.kind === '}' || token.kind === ']') {
      depth -= 1;
      parts.push(newline() + token.text);
    } else if (token.kind === ',') {
      parts.push(`,${newline()}`);
    } else if (token.kind === ':') {
      parts.push(': ');
    } else {
      parts.push(token.text);
    }
  }
  return parts.join('');
}

/** Parses JSON text; a syntax error is a `JsonSyntaxError` with line and column. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    scanJson(text);
    throw error;
  }
}
