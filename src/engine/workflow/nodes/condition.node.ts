import { z } from 'zod';
import { findNestedQuantifier, runRegex } from '../../tools/builtin/regex-runner.js';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';

/** The longest regular expression `matches` accepts, in characters. */
export const MAX_CONDITION_PATTERN_LENGTH = 1_000;
/** The longest text `matches` tests, in characters. */
export const MAX_CONDITION_TEXT_LENGTH = 100_000;
/** How long one `matches` test may run before it is stopped, in milliseconds. */
export const CONDITION_REGEX_TIMEOUT_MS = 1_000;

/** Every operator a comparison can use. */
export const conditionOperators = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'is_empty',
  'is_not_empty',
  'greater_than',
  'less_than',
  'greater_or_equal',
  'less_or_equal',
  'is_true',
  'is_false',
  'in',
  'not_in',
  'matches',
] as const;

/** One of {@link conditionOperators}. */
export type ConditionOperator = (typeof conditionOperators)[number];

/** One comparison `left operator right`, with its values already resolved. */
export const comparisonSchema = z
  .object({
    left: z.unknown().describe('The value tested, usually a {{reference}} (a whole reference keeps its type)'),
    operator: z.enum(conditionOperators).describe('How left is compared with right'),
    right: z
      .unknown()
      .optional()
      .describe('The value compared with; unused by is_empty, is_not_empty, is_true and is_false; a regex for matches'),
  })
  .strict();

/** A comparison as configured. */
export type Comparison = z.infer<typeof comparisonSchema>;

const caseSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -')
      .refine((id) => id !== 'else' && id !== 'error', '"else" and "error" are reserved branch names')
      .describe('The branch (source_handle) taken when this case matches'),
    logic: z.enum(['and', 'or']).default('and').describe('and: every comparison must hold; or: one is enough'),
    conditions: z.array(comparisonSchema).min(1).max(50).describe('The comparisons of this case'),
  })
  .strict();

/** Config of the condition node: cases tried in order, the first that matches wins. */
export const conditionConfigSchema = z
  .object({
    cases: z
      .array(caseSchema)
      .min(1)
      .max(50)
      .refine((cases) => new Set(cases.map((entry) => entry.id)).size === cases.length, 'case ids must be unique')
      .describe('if / else-if cases, tried in order; none matching takes the "else" branch'),
  })
  .strict();

/** The condition node's validated config. */
export type ConditionConfig = z.infer<typeof conditionConfigSchema>;

/** A finite number from a number or a numeric string; null otherwise. */
function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** The text of a string, number or boolean; null for anything else. */
function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Equality as people mean it in a workflow: null and undefined are equal; a number equals its
 * numeric string ("5" = 5) and a boolean its word ("true" = true); arrays and objects compare
 * member by member.
 */
function sameValue(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left === null || left === undefined || right === null || right === undefined) {
    return (left === null || left === undefined) && (right === null || right === undefined);
  }
  if (typeof left === 'number' || typeof right === 'number') {
    const [leftNumber, rightNumber] = [asNumber(left), asNumber(right)];
    return leftNumber !== null && leftNumber === rightNumber;
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    return asText(left)?.trim().toLowerCase() === asText(right)?.trim().toLowerCase();
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => sameValue(item, right[index]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => Object.hasOwn(right, key) && sameValue(left[key], right[key]));
  }
  return false;
}

/** Does `container` hold `item`: an array element, a substring, or an object's own key. */
function holds(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((element) => sameValue(element, item));
  if (isPlainObject(container)) return typeof item === 'string' && Object.hasOwn(container, item);
  const [text, part] = [asText(container), asText(item)];
  return text !== null && part !== null && text.includes(part);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/** Orders two numbers (or numeric strings), else two strings by code point; null when they do not compare. */
function order(left: unknown, right: unknown): number | null {
  const [leftNumber, rightNumber] = [asNumber(left), asNumber(right)];
  if (leftNumber !== null && rightNumber !== null) return leftNumber - rightNumber;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return null;
}

function isWord(value: unknown, word: 'true' | 'false'): boolean {
  return value === (word === 'true') || (typeof value === 'string' && value.trim().toLowerCase() === word);
}

/**
 * Tests a text against a user's regular expression without risking the main thread. Steps:
 * check the pattern's length and syntax; refuse nested repetitions like `(a+)+`; run the test in
 * a worker thread that is killed after {@link CONDITION_REGEX_TIMEOUT_MS} or on the signal.
 */
async function matchesPattern(left: unknown, right: unknown, signal: AbortSignal | undefined): Promise<boolean> {
  const text = asText(left);
  if (text === null) return false;
  if (typeof right !== 'string' || right === '' || right.length > MAX_CONDITION_PATTERN_LENGTH) {
    throw new NodeError(`matches needs a regular expression of 1 to ${MAX_CONDITION_PATTERN_LENGTH} characters`, 'CONDITION_PATTERN_INVALID');
  }
  if (text.length > MAX_CONDITION_TEXT_LENGTH) {
    throw new NodeError(`matches tests texts of at most ${MAX_CONDITION_TEXT_LENGTH} characters`, 'CONDITION_TEXT_TOO_LONG');
  }
  try {
    new RegExp(right);
  } catch (error) {
    throw new NodeError(error instanceof Error ? error.message : String(error), 'CONDITION_PATTERN_INVALID');
  }
  const nested = findNestedQuantifier(right);
  if (nested) throw new NodeError(`Pattern refused: ${nested}`, 'CONDITION_PATTERN_REFUSED');
  const request = { pattern: right, flags: '', text, operation: 'test' as const, replacement: '', maxMatches: 1, maxOutputLength: 0 };
  try {
    const result = await runRegex(request, { timeoutMs: CONDITION_REGEX_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    return result['matched'] === true;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new NodeError(error instanceof Error ? error.message : String(error), 'CONDITION_PATTERN_FAILED');
  }
}

/**
 * Evaluates one comparison on resolved values (also used by the loop node's `until`). A comparison
 * whose values do not fit its operator (greater_than on an object, starts_with on a list) is
 * false, and its not_ form true; only `matches` throws, for a bad pattern or a runaway match.
 */
export async function compareValues(options: Comparison & { signal?: AbortSignal }): Promise<boolean> {
  const { left, right } = options;
  const ordered = () => order(left, right);
  switch (options.operator) {
    case 'equals':
      return sameValue(left, right);
    case 'not_equals':
      return !sameValue(left, right);
    case 'contains':
      return holds(left, right);
    case 'not_contains':
      return !holds(left, right);
    case 'in':
      return holds(right, left);
    case 'not_in':
      return !holds(right, left);
    case 'starts_with':
    case 'ends_with': {
      const [text, part] = [asText(left), asText(right)];
      if (text === null || part === null) return false;
      return options.operator === 'starts_with' ? text.startsWith(part) : text.endsWith(part);
    }
    case 'is_empty':
      return isEmpty(left);
    case 'is_not_empty':
      return !isEmpty(left);
    case 'is_true':
      return isWord(left, 'true');
    case 'is_false':
      return isWord(left, 'false');
    case 'greater_than':
      return (ordered() ?? Number.NaN) > 0;
    case 'less_than':
      return (ordered() ?? Number.NaN) < 0;
    case 'greater_or_equal':
      return (ordered() ?? Number.NaN) >= 0;
    case 'less_or_equal':
      return (ordered() ?? Number.NaN) <= 0;
    case 'matches':
      return matchesPattern(left, right, options.signal);
  }
}

/** Does a case hold: every comparison (and) or one of them (or), evaluated in order and stopping early. */
async function caseHolds(entry: ConditionConfig['cases'][number], signal: AbortSignal): Promise<boolean> {
  for (const comparison of entry.conditions) {
    if (signal.aborted) throw signal.reason;
    const holdsNow = await compareValues({ ...comparison, signal });
    if (entry.logic === 'or' && holdsNow) return true;
    if (entry.logic === 'and' && !holdsNow) return false;
  }
  return entry.logic === 'and';
}

/**
 * if / else-if / else: the first case whose comparisons hold chooses its id as the branch; when
 * none does, the branch is "else". Output `{ branch, case_id }` (case_id null on else).
 */
export const conditionNode: NodeType<ConditionConfig> = {
  type: 'condition',
  description: 'Chooses a branch: the first case whose comparisons hold, else "else".',
  configSchema: conditionConfigSchema,
  pure: true,
  branches: (config) => [...config.cases.map((entry) => entry.id), 'else'],
  async run({ config, signal }) {
    for (const entry of config.cases) {
      if (await caseHolds(entry, signal)) return { kind: 'done', output: { branch: entry.id, case_id: entry.id }, branch: entry.id };
    }
    return { kind: 'done', output: { branch: 'else', case_id: null }, branch: 'else' };
  },
};
