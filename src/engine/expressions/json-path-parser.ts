/**
 * Parses the JSONPath subset of `json-path.ts` into a syntax tree. The syntax follows RFC 9535
 * where the two agree with the classic Goessner form, and accepts both `[?(@.a < 1)]` and `[?@.a < 1]`.
 */

/** The longest path accepted, in characters. */
export const MAX_JSON_PATH_LENGTH = 2_000;
/** The deepest nesting of filter parentheses and negations accepted. */
export const MAX_FILTER_DEPTH = 32;

/** A path that cannot be parsed or evaluated, with the character offset of the problem when known. */
export class JsonPathError extends Error {
  constructor(
    message: string,
    readonly position: number | null = null,
  ) {
    super(message);
    this.name = 'JsonPathError';
  }
}

/** One way of choosing children of a node. */
export type JsonPathSelector =
  | { kind: 'name'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number | null; end: number | null; step: number | null }
  | { kind: 'filter'; expression: FilterExpression };

/** A step of a path: selectors applied to the current nodes (`child`) or to them and all their descendants. */
export interface JsonPathSegment {
  kind: 'child' | 'descendant';
  selectors: JsonPathSelector[];
}

/** A query inside a filter, relative to the current node (`@`) or to the document root (`$`). */
export interface FilterQuery {
  kind: 'query';
  root: '@' | '$';
  segments: JsonPathSegment[];
}

/** Comparison operators of filters. */
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A literal or a singular query, compared in a filter. */
export type FilterOperand = { kind: 'literal'; value: string | number | boolean | null } | FilterQuery;

/** The boolean expression of a filter selector. */
export type FilterExpression =
  | { kind: 'or' | 'and'; left: FilterExpression; right: FilterExpression }
  | { kind: 'not'; operand: FilterExpression }
  | { kind: 'exists'; query: FilterQuery }
  | { kind: 'compare'; operator: ComparisonOperator; left: FilterOperand; right: FilterOperand };

const nameStart = /[A-Za-z_\u0080-\uffff]/;
const namePart = /[A-Za-z0-9_\-\u0080-\uffff]/;
const comparisonOperators: ComparisonOperator[] = ['==', '!=', '<=', '>=', '<', '>'];
const escapes = new Map([
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['/', '/'],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
]);

/** A hand-written recursive-descent parser over the characters of the path. */
class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): JsonPathSegment[] {
    this.skipSpaces();
    if (this.text[this.position] !== '$') this.fail('A JSONPath must start with "$"');
    this.position += 1;
    const segments = this.segments(false);
    this.skipSpaces();
    if (this.position < this.text.length) this.fail(`Unexpected "${this.text[this.position]}"`);
    return segments;
  }

  private fail(message: string): never {
    throw new JsonPathError(`${message} at position ${this.position}`, this.position);
  }

  private peek(offset = 0): string {
    return this.text[this.position + offset] ?? '';
  }

  private skipSpaces(): void {
    while (/\s/.test(this.peek())) this.position += 1;
  }

  private eat(expected: string): boolean {
    if (!this.text.startsWith(expected, this.position)) return false;
    this.position += expected.length;
    return true;
  }

  private expect(expected: string): void {
    if (!this.eat(expected)) this.fail(`Expected "${expected}"`);
  }

  /** Reads segments until none starts here; inside a filter only singular ones are allowed. */
  private segments(singular: boolean): JsonPathSegment[] {
    const segments: JsonPathSegment[] = [];
    for (;;) {
      if (this.peek() === '.' && this.peek(1) === '.') {
        if (singular) this.fail('".." is not allowed inside a filter query');
        this.position += 2;
        segments.push({ kind: 'descendant', selectors: this.peek() === '[' ? this.bracket(false) : [this.dotSelector()] });
      } else if (this.eat('.')) {
        segments.push({ kind: 'child', selectors: [this.dotSelector()] });
      } else if (this.peek() === '[') {
        segments.push({ kind: 'child', selectors: this.bracket(singular) });
      } else {
        return segments;
      }
      if (singular && segments.at(-1)!.selectors.some((selector) => selector.kind !== 'name' && selector.kind !== 'index')) {
        this.fail('A filter query may only use names and indexes');
      }
    }
  }

  private dotSelector(): JsonPathSelector {
    if (this.eat('*')) return { kind: 'wildcard' };
    if (!nameStart.test(this.peek())) this.fail('Expected a member name or "*" (use [\'name\'] for other names)');
    const start = this.position;
    while (namePart.test(this.peek())) this.position += 1;
    return { kind: 'name', name: this.text.slice(start, this.position) };
  }

  private bracket(singular: boolean): JsonPathSelector[] {
    this.expect('[');
    const selectors: JsonPathSelector[] = [];
    do {
      this.skipSpaces();
      selectors.push(this.bracketSelector(singular));
      this.skipSpaces();
    } while (this.eat(','));
    if (singular && selectors.length > 1) this.fail('A filter query may only select one member');
    this.expect(']');
    return selectors;
  }

  private bracketSelector(singular: boolean): JsonPathSelector {
    const character = this.peek();
    if (character === "'" || character === '"') return { kind: 'name', name: this.string() };
    // Checked before parsing, so filters cannot nest inside filters and recurse without bound.
    if (singular && (character === '*' || character === '?')) this.fail('A filter query may only use names and indexes');
    if (this.eat('*')) return { kind: 'wildcard' };
    if (this.eat('?')) return { kind: 'filter', expression: this.filter() };
    const start = this.optionalInteger();
    this.skipSpaces();
    if (this.peek() !== ':') {
      if (start === null) this.fail('Expected a quoted name, an index, a slice, "*" or a filter');
      return { kind: 'index', index: start };
    }
    this.position += 1;
    this.skipSpaces();
    const end = this.optionalInteger();
    this.skipSpaces();
    let step: number | null = null;
    if (this.eat(':')) {
      this.skipSpaces();
      step = this.optionalInteger();
    }
    return { kind: 'slice', start, end, step };
  }

  private optionalInteger(): number | null {
    const match = /^-?\d+/.exec(this.text.slice(this.position, this.position + 24));
    if (!match) return null;
    const value = Number(match[0]);
    if (!Number.isSafeInteger(value)) this.fail('Index is out of range');
    this.position += match[0].length;
    return value;
  }

  private string(): string {
    const quote = this.peek();
    this.position += 1;
    let value = '';
    for (;;) {
      const character = this.peek();
      if (character === '') this.fail('Unterminated string');
      this.position += 1;
      if (character === quote) return value;
      if (character !== '\\') {
        value += character;
        continue;
      }
      const escaped = this.peek();
      this.position += 1;
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position, this.position + 4))) {
        value += String.fromCharCode(Number.parseInt(this.text.slice(this.position, this.position + 4), 16));
        this.position += 4;
        continue;
      }
      const replacement = escapes.get(escaped);
      if (replacement === undefined) this.fail(`Invalid escape "\\${escaped}"`);
      value += replacement;
    }
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) this.fail(`Filter is nested too deeply (more than ${MAX_FILTER_DEPTH} levels)`);
  }

  private filter(): FilterExpression {
    this.skipSpaces();
    return this.or();
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.eat('||')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterExpression {
    let left = this.basic();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.basic() };
    return left;
  }

  /** A negation, a parenthesised expression, an existence test or a comparison; leaves trailing spaces eaten. */
  private basic(): FilterExpression {
    this.skipSpaces();
    let expression: FilterExpression;
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.position += 1;
      this.enter();
      expression = { kind: 'not', operand: this.basic() };
      this.depth -= 1;
    } else if (this.eat('(')) {
      this.enter();
      expression = this.filter();
      this.skipSpaces();
      this.expect(')');
      this.depth -= 1;
    } else {
      expression = this.comparisonOrExists();
    }
    this.skipSpaces();
    return expression;
  }

  private comparisonOrExists(): FilterExpression {
    const left = this.operand();
    this.skipSpaces();
    const operator = comparisonOperators.find((candidate) => this.text.startsWith(candidate, this.position));
    if (!operator) {
      if (left.kind === 'literal') this.fail('Expected a comparison operator after the literal');
      return { kind: 'exists', query: left };
    }
    this.position += operator.length;
    this.skipSpaces();
    return { kind: 'compare', operator, left, right: this.operand() };
  }

  private operand(): FilterOperand {
    const character = this.peek();
    if (character === '@' || character === '$') {
      this.position += 1;
      return { kind: 'query', root: character, segments: this.segments(true) };
    }
    if (character === "'" || character === '"') return { kind: 'literal', value: this.string() };
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.position, this.position + 64));
    if (number) {
      this.position += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.position) && !namePart.test(this.peek(word.length))) {
        this.position += word.length;
        return { kind: 'literal', value };
      }
    }
    this.fail('Expected @, $, a string, a number, true, false or null in the filter');
  }
}

/** Parses a JSONPath such as `$.store.book[?(@.price < 10)].title` into its segments. */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (path.length > MAX_JSON_PATH_LENGTH) {
    throw new JsonPathError(`JSONPath is too long (${path.length} characters, limit ${MAX_JSON_PATH_LENGTH})`, 0);
  }
  return new Parser(path).parse();
}
