/**
 * A safe arithmetic evaluator: a tokenizer and a recursive-descent parser that compute as they
 * parse. It never reaches `eval`, `Function` or any object property: names resolve through fixed
 * maps, so input like `constructor` or `__proto__` is just an unknown name.
 *
 * Grammar (lowest precedence first):
 *   expression := term (('+' | '-') term)*
 *   term       := unary (('*' | '/' | '%') unary)*
 *   unary      := ('+' | '-') unary | power
 *   power      := primary (('^' | '**') unary)?        right-associative, so 2^3^2 = 2^9
 *   primary    := number | name | name '(' arguments ')' | '(' expression ')'
 * As in mathematics, -2^2 is -(2^2) = -4.
 */

/** The longest expression accepted, in characters. */
export const MAX_EXPRESSION_LENGTH = 2_000;
/** The deepest nesting of parentheses, unary signs and powers accepted. */
export const MAX_EXPRESSION_DEPTH = 64;

/** An expression that cannot be evaluated, with the character offset where the problem is. */
export class ArithmeticError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

type TokenKind = 'number' | 'name' | 'operator' | 'open' | 'close' | 'comma' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  value: number;
  position: number;
}

interface FunctionSpec {
  minimumArguments: number;
  maximumArguments: number;
  apply(values: number[], position: number): number;
}

const constants = new Map<string, number>([
  ['pi', Math.PI],
  ['e', Math.E],
]);

function single(compute: (value: number, position: number) => number): FunctionSpec {
  return { minimumArguments: 1, maximumArguments: 1, apply: (values, position) => compute(values[0]!, position) };
}

function roundTo(value: number, digits: number, position: number): number {
  if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
    throw new ArithmeticError('round(x, digits) needs a whole number of digits from 0 to 15', position);
  }
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function logarithm(values: number[], position: number): number {
  const [value, base = 10] = values as [number, number?];
  if (value <= 0) throw new ArithmeticError('log is only defined for positive numbers', position);
  if (base <= 0 || base === 1) throw new ArithmeticError('log base must be positive and not 1', position);
  return base === 10 ? Math.log10(value) : Math.log(value) / Math.log(base);
}

const functions = new Map<string, FunctionSpec>([
  [
    'sqrt',
    single((value, position) => {
      if (value < 0) throw new ArithmeticError('sqrt of a negative number', position);
      return Math.sqrt(value);
    }),
  ],
  ['abs', single(Math.abs)],
  ['floor', single(Math.floor)],
  ['ceil', single(Math.ceil)],
  ['exp', single(Math.exp)],
  ['sin', single(Math.sin)],
  ['cos', single(Math.cos)],
  ['tan', single(Math.tan)],
  [
    'ln',
    single((value, position) => {
      if (value <= 0) throw new ArithmeticError('ln is only defined for positive numbers', position);
      return Math.log(value);
    }),
  ],
  ['log', { minimumArguments: 1, maximumArguments: 2, apply: logarithm }],
  [
    'round',
    { minimumArguments: 1, maximumArguments: 2, apply: (values, position) => roundTo(values[0]!, values[1] ?? 0, position) },
  ],
  ['min', { minimumArguments: 1, maximumArguments: 1_000, apply: (values) => Math.min(...values) }],
  ['max', { minimumArguments: 1, maximumArguments: 1_000, apply: (values) => Math.max(...values) }],
]);

const knownNames = [...constants.keys(), ...[...functions.keys()].map((name) => `${name}()`)].join(', ');

const numberPattern = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const namePattern = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Matches a sticky pattern at `position`, or returns null. */
function matchAt(pattern: RegExp, text: string, position: number): string | null {
  pattern.lastIndex = position;
  return pattern.exec(text)?.[0] ?? null;
}

/** Splits an expression into tokens, ending with an `end` token. */
function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const character = expression[position]!;
    if (/\s/.test(character)) {
      position += 1;
      continue;
    }
    const number = matchAt(numberPattern, expression, position);
    if (number !== null) {
      tokens.push({ kind: 'number', text: number, value: Number(number), position });
      position += number.length;
      continue;
    }
    const name = matchAt(namePattern, expression, position);
    if (name !== null) {
      tokens.push({ kind: 'name', text: name, value: 0, position });
      position += name.length;
      continue;
    }
    const operator = expression.startsWith('**', position) ? '**' : character;
    const kind = tokenKindOf(operator);
    if (!kind) throw new ArithmeticError(`Unexpected character "${character}" at position ${position}`, position);
    tokens.push({ kind, text: operator, value: 0, position });
    position += operator.length;
  }
  tokens.push({ kind: 'end', text: '', value: 0, position });
  return tokens;
}

function tokenKindOf(text: string): TokenKind | null {
  if (['+', '-', '*', '/', '%', '^', '**'].includes(text)) return 'operator';
  if (text === '(') return 'open';
  if (text === ')') return 'close';
  if (text === ',') return 'comma';
  return null;
}

/** Parses and evaluates in one pass over the tokens. */
class Evaluator {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  run(): number {
    const value = this.expression();
    const next = this.peek();
    if (next.kind !== 'end') {
      const hint = next.kind === 'close' ? 'an unmatched ")"' : `"${next.text}" (missing operator?)`;
      throw new ArithmeticError(`Unexpected ${hint} at position ${next.position}`, next.position);
    }
    return value;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isOperator(...texts: string[]): boolean {
    const token = this.peek();
    return token.kind === 'operator' && texts.includes(token.text);
  }

  private enter(position: number): void {
    this.depth += 1;
    if (this.depth > MAX_EXPRESSION_DEPTH) {
      throw new ArithmeticError(`Expression is nested too deeply (more than ${MAX_EXPRESSION_DEPTH} levels)`, position);
    }
  }

  private expression(): number {
    let value = this.term();
    while (this.isOperator('+', '-')) {
      const operator = this.advance();
      const right = this.term();
      value = operator.text === '+' ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    while (this.isOperator('*', '/', '%')) {
      const operator = this.advance();
      const right = this.unary();
      if (operator.text === '*') {
        value *= right;
        continue;
      }
      if (right === 0) {
        const what = operator.text === '/' ? 'Division' : 'Modulo';
        throw new ArithmeticError(`${what} by zero at position ${operator.position}`, operator.position);
      }
      value = operator.text === '/' ? value / right : value % right;
    }
    return value;
  }

  private unary(): number {
    if (this.isOperator('+', '-')) {
      const sign = this.advance();
      this.enter(sign.position);
      const operand = this.unary();
      this.depth -= 1;
      return sign.text === '-' ? -operand : operand;
    }
    return this.power();
  }

  private power(): number {
    const base = this.primary();
    if (!this.isOperator('^', '**')) return base;
    const operator = this.advance();
    this.enter(operator.position);
    const exponent = this.unary();
    this.depth -= 1;
    const value = base ** exponent;
    if (Number.isNaN(value)) {
      throw new ArithmeticError(`${base} ^ ${exponent} is not a real number`, operator.position);
    }
    return value;
  }

  private primary(): number {
    const token = this.advance();
    if (token.kind === 'number') return token.value;
    if (token.kind === 'name') return this.name(token);
    if (token.kind === 'open') {
      this.enter(token.position);
      const value = this.expression();
      this.expect('close', `Missing ")" for the "(" at position ${token.position}`);
      this.depth -= 1;
      return value;
    }
    if (token.kind === 'end') throw new ArithmeticError('Unexpected end of expression', token.position);
    throw new ArithmeticError(`Unexpected "${token.text}" at position ${token.position}`, token.position);
  }

  private name(token: Token): number {
    const key = token.text.toLowerCase();
    const spec = functions.get(key);
    if (spec && this.peek().kind === 'open') return this.call(token, spec);
    if (spec) throw new ArithmeticError(`${key} is a function: write ${key}(...)`, token.position);
    const constant = constants.get(key);
    if (constant !== undefined) return constant;
    throw new ArithmeticError(`Unknown name "${token.text}" at position ${token.position}; known: ${knownNames}`, token.position);
  }

  private call(token: Token, spec: FunctionSpec): number {
    const open = this.advance();
    this.enter(open.position);
    const values: number[] = [];
    if (this.peek().kind !== 'close') {
      values.push(this.expression());
      while (this.peek().kind === 'comma') {
        this.advance();
        values.push(this.expression());
      }
    }
    this.expect('close', `Missing ")" to close ${token.text}( at position ${open.position}`);
    this.depth -= 1;
    if (values.length < spec.minimumArguments || values.length > spec.maximumArguments) {
      const expected =
        spec.minimumArguments === spec.maximumArguments
          ? `${spec.minimumArguments}`
          : `${spec.minimumArguments} to ${spec.maximumArguments}`;
      throw new ArithmeticError(`${token.text}() takes ${expected} argument(s), got ${values.length}`, token.position);
    }
    return spec.apply(values, token.position);
  }

  private expect(kind: TokenKind, message: string): void {
    const token = this.peek();
    if (token.kind !== kind) throw new ArithmeticError(message, token.position);
    this.advance();
  }
}

/**
 * Evaluates an arithmetic expression such as `2^10 - (3+1)*2` or `sqrt(2) * max(1, pi)`.
 * Throws `ArithmeticError` for syntax errors, unknown names, division by zero and results that
 * are not finite numbers.
 */
export function evaluateArithmetic(expression: string): number {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new ArithmeticError(`Expression is too long (${expression.length} characters, limit ${MAX_EXPRESSION_LENGTH})`, 0);
  }
  if (expression.trim() === '') throw new ArithmeticError('Expression is empty', 0);
  const value = new Evaluator(tokenize(expression)).run();
  if (!Number.isFinite(value)) {
    throw new ArithmeticError('The result is not a finite number (overflow or undefined operation)', 0);
  }
  return value;
}
