/**
 * A small logic-less template language in the style of Mustache: `{{name}}`, dotted paths
 * `{{user.name}}`, the current item `{{.}}`, sections `{{#items}}…{{/items}}` (repeated for each
 * array item, shown once for another truthy value), inverted sections `{{^items}}…{{/items}}`,
 * raw output `{{{name}}}` or `{{& name}}` and comments `{{! note }}`. Templates run no code:
 * names are looked up among the own members of the data only.
 */

/** The longest template accepted, in characters. */
export const MAX_TEMPLATE_LENGTH = 100_000;
/** The longest output produced, in characters. */
export const MAX_TEMPLATE_OUTPUT = 1_000_000;
/** The deepest nesting of sections accepted. */
export const MAX_TEMPLATE_DEPTH = 32;
/** The most template nodes visited in one render; nested loops over big lists stop here even with no output. */
export const MAX_TEMPLATE_STEPS = 1_000_000;

/** A template that cannot be parsed or rendered, with the character offset of the problem when known. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly position: number | null = null,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** How a template is rendered. */
export interface TemplateRenderOptions {
  /** Escape & < > " ' in `{{name}}` output (never in `{{{name}}}`); default false. */
  escapeHtml?: boolean;
  /** Throw on a variable that is not in the data instead of rendering it empty; default false. */
  strict?: boolean;
}

/** The rendered text and the variable names that were not found in the data. */
export interface TemplateRenderResult {
  output: string;
  missing: string[];
}

type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string; raw: boolean; position: number }
  | { kind: 'section'; name: string; inverted: boolean; children: TemplateNode[] };

interface OpenSection {
  name: string;
  position: number;
  children: TemplateNode[];
}

const namePattern = /^(?:\.|[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)$/;
const htmlEscapes = new Map([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
]);

function checkName(name: string, position: number): string {
  if (!namePattern.test(name)) throw new TemplateError(`Invalid name "${name}" in tag at position ${position}`, position);
  return name;
}

/** Reads one tag starting at `start` (the first `{`); returns its sigil, name and end offset. */
function readTag(template: string, start: number): { sigil: string; name: string; end: number } {
  const triple = template.startsWith('{{{', start);
  const closing = triple ? '}}}' : '}}';
  const close = template.indexOf(closing, start);
  if (close === -1) throw new TemplateError(`Unclosed tag at position ${start}: missing "${closing}"`, start);
  const inner = template.slice(start + (triple ? 3 : 2), close).trim();
  const end = close + closing.length;
  if (triple) return { sigil: '&', name: inner, end };
  const sigil = /^[#^/&!]/.test(inner) ? inner[0]! : '';
  return { sigil, name: inner.slice(sigil.length).trim(), end };
}

/** Parses a template into a tree, iteratively, so a long template cannot overflow the stack. */
function parse(template: string): TemplateNode[] {
  const root: OpenSection = { name: '', position: 0, children: [] };
  const open: OpenSection[] = [root];
  const inverted = new WeakMap<OpenSection, boolean>();
  let cursor = 0;
  while (cursor < template.length) {
    const start = template.indexOf('{{', cursor);
    const current = open.at(-1)!;
    if (start === -1) {
      current.children.push({ kind: 'text', text: template.slice(cursor) });
      break;
    }
    if (start > cursor) current.children.push({ kind: 'text', text: template.slice(cursor, start) });
    const tag = readTag(template, start);
    cursor = tag.end;
    if (tag.sigil === '!') continue;
    if (tag.sigil === '#' || tag.sigil === '^') {
      if (open.length > MAX_TEMPLATE_DEPTH) {
        throw new TemplateError(`Sections are nested too deeply (more than ${MAX_TEMPLATE_DEPTH} levels)`, start);
      }
      const section: OpenSection = { name: checkName(tag.name, start), position: start, children: [] };
      inverted.set(section, tag.sigil === '^');
      open.push(section);
    } else if (tag.sigil === '/') {
      if (open.length === 1 || current.name !== tag.name) {
        const expected = open.length === 1 ? 'no section is open' : `expected {{/${current.name}}}`;
        throw new TemplateError(`Unexpected {{/${tag.name}}} at position ${start}: ${expected}`, start);
      }
      open.pop();
      open.at(-1)!.children.push({
        kind: 'section',
        name: current.name,
        inverted: inverted.get(current) ?? false,
        children: current.children,
      });
    } else {
      current.children.push({ kind: 'variable', name: checkName(tag.name, start), raw: tag.sigil === '&', position: start });
    }
  }
  const unclosed = open.at(-1)!;
  if (unclosed !== root) {
    throw new TemplateError(`Section {{#${unclosed.name}}} at position ${unclosed.position} is never closed`, unclosed.position);
  }
  return root.children;
}

/** An own member of an object or array, or `undefined`: never a prototype member. */
function member(value: unknown, key: string): { found: boolean; value: unknown } {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return { found: false, value: undefined };
  return { found: true, value: (value as Record<string, unknown>)[key] };
}

/** Finds a dotted name: its first part in the innermost context that has it, the rest from there. */
function lookup(name: string, stack: unknown[]): { found: boolean; value: unknown } {
  if (name === '.') return { found: true, value: stack.at(-1) };
  const [first, ...rest] = name.split('.') as [string, ...string[]];
  for (let index = stack.length - 1; index >= 0; index--) {
    let found = member(stack[index], first);
    if (!found.found) continue;
    for (const part of rest) {
      found = member(found.value, part);
      if (!found.found) return found;
    }
    return found;
  }
  return { found: false, value: undefined };
}

function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders a parsed tree; depth is bounded by the parser's section limit. */
class Renderer {
  private output = '';
  private steps = 0;
  private readonly missing = new Set<string>();

  constructor(private readonly options: TemplateRenderOptions) {}

  result(): TemplateRenderResult {
    return { output: this.output, missing: [...this.missing] };
  }

  render(nodes: TemplateNode[], stack: unknown[]): void {
    for (const node of nodes) {
      this.step();
      if (node.kind === 'text') this.write(node.text);
      else if (node.kind === 'variable') this.variable(node, stack);
      else this.section(node, stack);
    }
  }

  /** Counts one unit of work: a node visited or a section item entered. */
  private step(): void {
    if (++this.steps > MAX_TEMPLATE_STEPS) {
      throw new TemplateError(`The template takes too many steps to render (more than ${MAX_TEMPLATE_STEPS})`);
    }
  }

  private write(text: string): void {
    this.output += text;
    if (this.output.length > MAX_TEMPLATE_OUTPUT) {
      throw new TemplateError(`The output is too long (more than ${MAX_TEMPLATE_OUTPUT} characters)`);
    }
  }

  private variable(node: Extract<TemplateNode, { kind: 'variable' }>, stack: unknown[]): void {
    const found = lookup(node.name, stack);
    if (!found.found) {
      if (this.options.strict) throw new TemplateError(`Missing variable "${node.name}" at position ${node.position}`, node.position);
      this.missing.add(node.name);
      return;
    }
    const text = display(found.value);
    const escape = this.options.escapeHtml && !node.raw;
    this.write(escape ? text.replace(/[&<>"']/g, (character) => htmlEscapes.get(character)!) : text);
  }

  private section(node: Extract<TemplateNode, { kind: 'section' }>, stack: unknown[]): void {
    const { value } = lookup(node.name, stack);
    if (node.inverted) {
      if (!isTruthy(value)) this.render(node.children, stack);
      return;
    }
    if (!isTruthy(value)) return;
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      this.step();
      this.render(node.children, [...stack, item]);
    }
  }
}

/**
 * Renders a template with data. Variables not found render as empty text and are listed in
 * `missing` (or throw with `strict`); sections whose name is missing are simply skipped.
 * Throws `TemplateError` for malformed templates and for output beyond `MAX_TEMPLATE_OUTPUT`.
 */
export function renderTemplate(template: string, data: unknown, options: TemplateRenderOptions = {}): TemplateRenderResult {
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new TemplateError(`The template is too long (${template.length} characters, limit ${MAX_TEMPLATE_LENGTH})`);
  }
  const renderer = new Renderer(options);
  renderer.render(parse(template), [data]);
  return renderer.result();
}
