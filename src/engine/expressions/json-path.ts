import {
  JsonPathError,
  parseJsonPath,
  type FilterExpression,
  type FilterOperand,
  type FilterQuery,
  type JsonPathSegment,
  type JsonPathSelector,
} from './json-path-parser.js';

/** The parser's error, limit and entry point, so callers need only this module. */
export { JsonPathError, MAX_JSON_PATH_LENGTH, parseJsonPath, type JsonPathSegment } from './json-path-parser.js';

/** The most nodes a query may produce at any step before it is stopped. */
export const MAX_JSON_PATH_NODES = 100_000;

/** A node a query selected: its normalized path (`$['store']['book'][0]`) and its value. */
export interface JsonPathMatch {
  path: string;
  value: unknown;
}

/** A node during evaluation; the path is a parent chain, turned into text only for results. */
interface Node {
  value: unknown;
  parent: Node | null;
  key: string | number | null;
}

/** The result of a filter operand: a value, or nothing when a query selected no node. */
type Operand = { found: true; value: unknown } | { found: false };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The children of a node in document order: array items, or an object's own members. */
function children(node: Node): Node[] {
  const { value } = node;
  if (Array.isArray(value)) return value.map((item, index) => ({ value: item, parent: node, key: index }));
  if (isObject(value)) return Object.keys(value).map((key) => ({ value: value[key], parent: node, key }));
  return [];
}

/** A node and all its descendants in document order, without recursion so deep documents cannot overflow the stack. */
function selfAndDescendants(node: Node, budget: { remaining: number }): Node[] {
  const result: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    result.push(current);
    if (--budget.remaining < 0) throw tooMany();
    const next = children(current);
    for (let index = next.length - 1; index >= 0; index--) stack.push(next[index]!);
  }
  return result;
}

function tooMany(): JsonPathError {
  return new JsonPathError(`The query selects too many nodes (more than ${MAX_JSON_PATH_NODES})`);
}

function sliceIndexes(length: number, selector: Extract<JsonPathSelector, { kind: 'slice' }>): number[] {
  const step = selector.step ?? 1;
  if (step === 0) return [];
  const normalize = (index: number): number => (index >= 0 ? index : length + index);
  const indexes: number[] = [];
  if (step > 0) {
    const lower = Math.min(Math.max(normalize(selector.start ?? 0), 0), length);
    const upper = Math.min(Math.max(normalize(selector.end ?? length), 0), length);
    for (let index = lower; index < upper; index += step) indexes.push(index);
  } else {
    const upper = Math.min(Math.max(normalize(selector.start ?? length - 1), -1), length - 1);
    const lower = selector.end === null ? -1 : Math.min(Math.max(normalize(selector.end), -1), length - 1);
    for (let index = upper; index > lower; index += step) indexes.push(index);
  }
  return indexes;
}

/** Evaluates selectors against nodes; `root` is the document, for `$` inside filters. */
class Evaluation {
  private readonly budget = { remaining: MAX_JSON_PATH_NODES };

  constructor(private readonly root: Node) {}

  run(segments: JsonPathSegment[], start: Node): Node[] {
    let nodes = [start];
    for (const segment of segments) {
      const targets = segment.kind === 'descendant' ? nodes.flatMap((node) => selfAndDescendants(node, this.budget)) : nodes;
      nodes = [];
      for (const target of targets) {
        for (const selector of segment.selectors) {
          for (const found of this.select(target, selector)) {
            nodes.push(found);
            if (nodes.length > MAX_JSON_PATH_NODES) throw tooMany();
          }
        }
      }
    }
    return nodes;
  }

  private select(node: Node, selector: JsonPathSelector): Node[] {
    const { value } = node;
    switch (selector.kind) {
      case 'name':
        // Own members only: `__proto__` or `constructor` select data, never the prototype chain.
        return isObject(value) && Object.hasOwn(value, selector.name)
          ? [{ value: value[selector.name], parent: node, key: selector.name }]
          : [];
      case 'wildcard':
        return children(node);
      case 'index': {
        if (!Array.isArray(value)) return [];
        const index = selector.index >= 0 ? selector.index : value.length + selector.index;
        return index >= 0 && index < value.length ? [{ value: value[index], parent: node, key: index }] : [];
      }
      case 'slice':
        return Array.isArray(value)
          ? sliceIndexes(value.length, selector).map((index) => ({ value: value[index], parent: node, key: index }))
          : [];
      case 'filter':
        return children(node).filter((child) => this.test(selector.expression, child));
    }
  }

  private test(expression: FilterExpression, current: Node): boolean {
    switch (expression.kind) {
      case 'or':
        return this.test(expression.left, current) || this.test(expression.right, current);
      case 'and':
        return this.test(expression.left, current) && this.test(expression.right, current);
      case 'not':
        return !this.test(expression.operand, current);
      case 'exists':
        return this.query(expression.query, current).length > 0;
      case 'compare':
        return compare(expression.operator, this.operand(expression.left, current), this.operand(expression.right, current));
    }
  }

  private query(query: FilterQuery, current: Node): Node[] {
    return this.run(query.segments, query.root === '@' ? current : this.root);
  }

  private operand(operand: FilterOperand, current: Node): Operand {
    if (operand.kind === 'literal') return { found: true, value: operand.value };
    const [first] = this.query(operand, current);
    return first ? { found: true, value: first.value } : { found: false };
  }
}

/** The deepest values a filter compares structurally. */
const MAX_COMPARE_DEPTH = 256;

/** Deep equality of JSON values over own members only. */
function equal(left: unknown, right: unknown, depth = 0): boolean {
  if (left === right) return true;
  if (depth > MAX_COMPARE_DEPTH) throw new JsonPathError('Values in a filter comparison are nested too deeply');
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => equal(item, right[index], depth + 1));
  }
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => Object.hasOwn(right, key) && equal(left[key], right[key], depth + 1))
    );
  }
  return false;
}

/** RFC 9535 comparison: nothing equals only nothing, and order exists only between two numbers or two strings. */
function compare(operator: string, left: Operand, right: Operand): boolean {
  const same = left.found && right.found ? equal(left.value, right.value) : left.found === right.found;
  if (operator === '==') return same;
  if (operator === '!=') return !same;
  const a = left.found ? left.value : undefined;
  const b = right.found ? right.value : undefined;
  const ordered = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!ordered) return (operator === '<=' || operator === '>=') && same;
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Formats a node's location as a normalized path, e.g. `$['store']['book'][0]`. */
function pathOf(node: Node): string {
  const parts: string[] = [];
  for (let current: Node | null = node; current && current.key !== null; current = current.parent) {
    parts.push(typeof current.key === 'number' ? `[${current.key}]` : `['${escapeName(current.key)}']`);
  }
  return `$${parts.reverse().join('')}`;
}

/** Escapes a member name for a single-quoted normalized path: JSON escapes, with `'` escaped instead of `"`. */
function escapeName(name: string): string {
  return JSON.stringify(name).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
}

/**
 * Runs a JSONPath query over a parsed JSON document and returns the selected nodes in document
 * order. Supports `$`, `.name`, `['name']`, `[n]`, `[-n]`, `[*]`, `.*`, `..name`, `[start:end:step]`,
 * unions `[0,2]` and filters `[?(@.price < 10 && @.tags)]` with == != < <= > >= && || ! and parentheses.
 * Throws `JsonPathError` for a malformed path or a query selecting more than `MAX_JSON_PATH_NODES` nodes.
 */
export function queryJsonPath(document: unknown, path: string | JsonPathSegment[]): JsonPathMatch[] {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  const root: Node = { value: document, parent: null, key: null };
  return new Evaluation(root).run(segments, root).map((node) => ({ path: pathOf(node), value: node.value }));
}
