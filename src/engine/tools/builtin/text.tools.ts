import { z } from 'zod';
import { MAX_TEMPLATE_LENGTH, renderTemplate, TemplateError } from '../../expressions/template.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { findNestedQuantifier, runRegex } from './regex-runner.js';
import { textContentTools } from './text-content.tools.js';
import { diffLines, splitLines, unifiedHunks } from './text-diff.js';

/** Longest text the regex tool searches: with the worker's time limit, this bounds its work. */
export const MAX_REGEX_TEXT_LENGTH = 100_000;
/** How long one regex job may run before its worker is stopped. */
export const REGEX_TIMEOUT_MS = 2_000;
const MAX_DIFF_TEXT_LENGTH = 1_000_000;
const MAX_DIFF_LINES = 50_000;

const regex = defineTool({
  name: 'regex',
  category: 'text',
  description:
    'Applies a JavaScript regular expression to a text: "test" (does it match?), "match" (every match with index, ' +
    'numbered and named groups), "replace" (first match, or all with flag g; $1, $<name> and $& work in the ' +
    'replacement) or "split". Text up to 100000 characters; patterns that nest repetitions like (a+)+ are refused ' +
    'and a match that runs longer than 2 seconds is stopped.',
  inputSchema: z.object({
    pattern: z.string().min(1).max(1_000).describe('The regular expression without slashes, e.g. "(\\d{4})-(\\d{2})"'),
    text: z.string().max(MAX_REGEX_TEXT_LENGTH).describe('The text to search'),
    operation: z.enum(['test', 'match', 'replace', 'split']).default('match').describe('What to do with the matches'),
    flags: z
      .string()
      .regex(/^[dgimsuvy]*$/)
      .max(8)
      .default('')
      .describe('Regex flags: i (ignore case), m (multiline ^ $), s (dot matches newline), u (unicode), g (global, for replace) ...'),
    replacement: z.string().max(1_000).default('').describe('For replace: the replacement text'),
    maxMatches: z.number().int().min(1).max(1_000).default(100).describe('For match and split: the most results returned'),
  }),
  async execute(input, context) {
    try {
      new RegExp(input.pattern, input.flags);
    } catch (error) {
      throw new ToolError(error instanceof Error ? error.message : String(error));
    }
    const nested = findNestedQuantifier(input.pattern);
    if (nested) throw new ToolError(`Pattern refused: ${nested}. Rewrite it without the nested repetition.`);
    return runRegex(
      { ...input, maxOutputLength: MAX_REGEX_TEXT_LENGTH * 10 },
      { timeoutMs: REGEX_TIMEOUT_MS, signal: context.signal },
    );
  },
});

const textDiff = defineTool({
  name: 'text_diff',
  category: 'text',
  description:
    'Compares two texts line by line and returns a unified diff (the format of `diff -u` and git), with counts of ' +
    'added and removed lines. Use it to show what changed between two versions of a document or code.',
  inputSchema: z.object({
    original: z.string().max(MAX_DIFF_TEXT_LENGTH).describe('The old text'),
    modified: z.string().max(MAX_DIFF_TEXT_LENGTH).describe('The new text'),
    context: z.number().int().min(0).max(100).default(3).describe('Unchanged lines shown around each change'),
    originalName: z.string().max(200).default('original').describe('Name of the old text in the diff header'),
    modifiedName: z.string().max(200).default('modified').describe('Name of the new text in the diff header'),
  }),
  async execute(input) {
    const original = splitLines(input.original);
    const modified = splitLines(input.modified);
    if (original.length > MAX_DIFF_LINES || modified.length > MAX_DIFF_LINES) {
      throw new ToolError(`Each text may have at most ${MAX_DIFF_LINES} lines`);
    }
    const { lines, minimal } = diffLines(original, modified);
    const additions = lines.filter((line) => line.kind === 'insert').length;
    const deletions = lines.filter((line) => line.kind === 'delete').length;
    const { text, hunks } = unifiedHunks(lines, input.context);
    const unified = hunks === 0 ? '' : `--- ${input.originalName}\n+++ ${input.modifiedName}\n${text}\n`;
    return { identical: hunks === 0, additions, deletions, hunks, unified, minimal };
  },
});

const templateRender = defineTool({
  name: 'template_render',
  category: 'text',
  description:
    'Fills a Mustache-style template with data: {{name}} and {{user.name}} insert values, {{#items}}...{{/items}} ' +
    'repeats for each item of a list (or shows once if truthy), {{^items}}...{{/items}} shows when empty or false, ' +
    '{{.}} is the current item, {{! comment }} is dropped. No code runs. Reports variables missing from the data.',
  inputSchema: z.object({
    template: z.string().max(MAX_TEMPLATE_LENGTH).describe('The template text'),
    data: z.record(z.string(), z.unknown()).describe('The values, as a JSON object'),
    escapeHtml: z.boolean().default(false).describe('Escape & < > " \' in {{name}} output (never in {{{name}}})'),
    strict: z.boolean().default(false).describe('Fail on a missing variable instead of leaving it empty'),
  }),
  async execute(input) {
    try {
      return renderTemplate(input.template, input.data, { escapeHtml: input.escapeHtml, strict: input.strict });
    } catch (error) {
      if (error instanceof TemplateError) throw new ToolError(error.message);
      throw error;
    }
  },
});

/** Regular expressions, diffs, templates, text statistics and case conversions. */
export const textTools: RegisteredTool[] = [regex, textDiff, templateRender, ...textContentTools];
