/** A `{{name}}` or `{{a.b}}` placeholder; spaces inside the braces are allowed. */
const placeholder = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;
const wholePlaceholder = /^\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}$/;

/** A placeholder whose value is missing from the input. */
export class MissingPlaceholderError extends Error {
  override readonly name = 'MissingPlaceholderError';
  constructor(readonly path: string) {
    super(`the input has no value for {{${path}}}`);
  }
}

/** The input's value at a dotted path, reading own properties only (never the prototype chain). */
export function valueAt(input: unknown, path: string): unknown {
  let current = input;
  for (const key of path.split('.')) {
    if (!current || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Names of the placeholders in a text, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(placeholder)].map((match) => match[1]!);
}

/**
 * Fills a text's placeholders from the input; `encode` escapes each value (e.g. for a URL path).
 * A missing value is an error unless `optional`, when it becomes the empty string.
 */
export function fillText(text: string, input: unknown, options: { encode?: (value: string) => string; optional?: boolean } = {}): string {
  return text.replace(placeholder, (_match, path: string) => {
    const value = valueAt(input, path);
    if (value === undefined || value === null) {
      if (options.optional) return '';
      throw new MissingPlaceholderError(path);
    }
    const text = asText(value);
    return options.encode ? options.encode(text) : text;
  });
}

/**
 * Fills a JSON template: a string that is exactly one placeholder becomes the input's value with
 * its own type (number, object ...); other strings are filled as text; missing values drop the key.
 */
export function fillJson(template: unknown, input: unknown): unknown {
  if (typeof template === 'string') {
    const whole = wholePlaceholder.exec(template);
    if (whole) return valueAt(input, whole[1]!);
    return fillText(template, input, { optional: true });
  }
  if (Array.isArray(template)) return template.map((item) => fillJson(item, input)).filter((item) => item !== undefined);
  if (template && typeof template === 'object') {
    const filled: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      const result = fillJson(value, input);
      if (result !== undefined) filled[key] = result;
    }
    return filled;
  }
  return template;
}
