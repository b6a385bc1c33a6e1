import { renderTemplate } from '../expressions/template.js';

/**
 * The variables a node sees: `start.input`, each finished node's `output` under its id, `env`,
 * and in loop bodies the loop node's `item` and `index`. Templates read them as
 * `{{start.input.x}}`, `{{node_id.output.field}}`, `{{env.NAME}}`.
 */
export type VariableScope = Readonly<Record<string, unknown>>;

const WHOLE_REFERENCE = /^\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}$/;
const REFERENCE = /\{\{\s*[#^/&{]?\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}?\}\}/g;

/** The value at a dotted path ("a.b.0.c"), own members only; undefined when any step is missing. */
export function lookupPath(scope: unknown, path: string): unknown {
  let current: unknown = scope;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Resolves the {{variables}} of a config value, recursively through arrays and objects. A string
 * that is exactly one reference keeps the referenced value's type (an array stays an array);
 * other strings are rendered as templates (objects appear as JSON). Nothing is evaluated as code.
 */
export function resolveVariables(value: unknown, scope: VariableScope): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) return lookupPath(scope, whole[1]!);
    if (!value.includes('{{')) return value;
    return renderTemplate(value, scope).output;
  }
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, scope));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveVariables(item, scope)]));
  }
  return value;
}

/** Every variable path referenced in a config value (for validation), in order of appearance. */
export function referencedPaths(value: unknown): string[] {
  const paths: string[] = [];
  const visit = (item: unknown) => {
    if (typeof item === 'string') for (const match of item.matchAll(REFERENCE)) paths.push(match[1]!);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item !== null && typeof item === 'object') Object.values(item).forEach(visit);
  };
  visit(value);
  return paths;
}
