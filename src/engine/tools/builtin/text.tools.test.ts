import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ToolError } from '../tool.js';
import { findNestedQuantifier, runRegex, type RegexRequest } from './regex-runner.js';
import { textTools } from './text.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

const run = <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(textTools, name, input);
const failure = (name: string, input: unknown) => toolErrorOf(textTools, name, input);

describe('regex', () => {
  it('matches all with numbered and named groups', async () => {
    const result = await run('regex', { pattern: '(?<year>\\d{4})-(\\d{2})', text: 'from 2024-03 to 2025-11' });

    expect(result).toEqual({
      count: 2,
      truncated: false,
      matches: [
        { match: '2024-03', index: 5, groups: ['2024', '03'], namedGroups: { year: '2024' } },
        { match: '2025-11', index: 16, groups: ['2025', '11'], namedGroups: { year: '2025' } },
      ],
    });
  });

  it('tests, replaces (first or all) and splits', async () => {
    expect(await run('regex', { operation: 'test', pattern: 'HELLO', flags: 'i', text: 'say hello' })).toEqual({ matched: true });
    expect(await run('regex', { operation: 'test', pattern: '^x', text: 'say hello' })).toEqual({ matched: false });
    expect(await run('regex', { operation: 'replace', pattern: '(\\w+)@(\\w+)', replacement: '$2 at $1', text: 'a@b c@d' })).toEqual({
      output: 'b at a c@d',
      replacements: 1,
    });
    expect(await run('regex', { operation: 'replace', pattern: '\\s+', flags: 'g', replacement: ' ', text: 'a   b \n c' })).toEqual({
      output: 'a b c',
      replacements: 2,
    });
    expect(await run('regex', { operation: 'split', pattern: '\\s*[,;]\\s*', text: 'a, b;c ,d' })).toEqual({
      parts: ['a', 'b', 'c', 'd'],
      count: 4,
      truncated: false,
    });
  });

  it('caps the number of matches returned', async () => {
    const result = await run<{ count: number; truncated: boolean }>('regex', { pattern: 'a', text: 'a'.repeat(50), maxMatches: 10 });

    expect(result).toMatchObject({ count: 10, truncated: true });
  });

  it('refuses invalid patterns and nested repetitions', async () => {
    expect((await failure('regex', { pattern: '(unclosed', text: 'x' })).message).toMatch(/Invalid regular expression/);
    expect((await failure('regex', { pattern: 'a', flags: 'gg', text: 'x' })).message).toMatch(/Invalid flags/);
    expect((await failure('regex', { pattern: '^(a+)+$', text: 'aaaa!' })).message).toMatch(/Pattern refused: the group at position 1 repeats a repetition \("\(a\+\)\+"\)/);
    await expect(run('regex', { pattern: 'a', flags: 'x', text: 'x' })).rejects.toThrow(ZodError);
    await expect(run('regex', { pattern: 'a', text: 'x'.repeat(100_001) })).rejects.toThrow(ZodError);
  });

  it.each([
    ['(a+)+', true],
    ['(\\w+\\s?)*$', true],
    ['((ab)*c)+', true],
    ['(?:x{2,})*', true],
    ['(a+){20}', true],
    ['(a+){2}', false],
    ['(\\d{1,3}\\.){3}\\d{1,3}', false],
    ['(ab)+', false],
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
    ['(a?)+', false],
    ['a+b+c+', false],
  ])('findNestedQuantifier(%s) flags it: %s', (pattern, flagged) => {
    expect(findNestedQuantifier(pattern) !== null).toBe(flagged);
  });

  it('stops a match that backtracks catastrophically instead of freezing the process', async () => {
    const request: RegexRequest = {
      pattern: '^(\\d|\\w)+$',
      flags: '',
      text: `${'1'.repeat(40)}!`,
      operation: 'test',
      replacement: '',
      maxMatches: 10,
      maxOutputLength: 1_000,
    };

    await expect(runRegex(request, { timeoutMs: 300 })).rejects.toThrow(/did not finish within 300 ms/);
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    controller.abort();
    const request: RegexRequest = { pattern: 'a', flags: '', text: 'a', operation: 'test', replacement: '', maxMatches: 1, maxOutputLength: 10 };

    await expect(runRegex(request, { timeoutMs: 5_000, signal: controller.signal })).rejects.toThrow(ToolError);
  });
});

describe('text_diff', () => {
  it('produces a unified diff with merged hunks and counts', async () => {
    const original = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n';
    const modified = 'one\n2\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n';

    const result = await run('text_diff', { original, modified, context: 1, originalName: 'a.txt', modifiedName: 'b.txt' });

    expect(result).toEqual({
      identical: false,
      additions: 2,
      deletions: 1,
      hunks: 2,
      minimal: true,
      unified: '--- a.txt\n+++ b.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n@@ -10 +10,2 @@\n ten\n+eleven\n',
    });
  });

  it('finds the minimal edit script inside a changed block', async () => {
    const result = await run<{ unified: string }>('text_diff', { original: 'a\nb\nc\nd\n', modified: 'a\nc\nd\ne\n', context: 0 });

    expect(result.unified).toBe('--- original\n+++ modified\n@@ -2 +1,0 @@\n-b\n@@ -4,0 +4 @@\n+e\n');
  });

  it('marks a missing final newline and handles empty texts', async () => {
    expect((await run<{ unified: string }>('text_diff', { original: 'x\n', modified: 'x' })).unified).toBe(
      '--- original\n+++ modified\n@@ -1 +1 @@\n-x\n+x\n\\ No newline at end of file\n',
    );
    expect((await run<{ unified: string }>('text_diff', { original: '', modified: 'new\n' })).unified).toBe(
      '--- original\n+++ modified\n@@ -0,0 +1 @@\n+new\n',
    );
    expect(await run('text_diff', { original: 'same\n', modified: 'same\n' })).toMatchObject({ identical: true, unified: '', hunks: 0 });
  });

  it('falls back to a correct but non-minimal diff when the texts differ too much', async () => {
    const original = Array.from({ length: 2_500 }, (_, index) => `old ${index}`).join('\n');
    const modified = Array.from({ length: 2_500 }, (_, index) => `new ${index}`).join('\n');

    const result = await run('text_diff', { original, modified });

    expect(result).toMatchObject({ minimal: false, additions: 2_500, deletions: 2_500, hunks: 1 });
  });
});

describe('template_render', () => {
  it('renders variables, sections and reports missing names', async () => {
    const result = await run('template_render', {
      template: 'Hi {{user.name}}! {{#orders}}#{{id}} {{/orders}}{{^orders}}no orders{{/orders}}{{nickname}}',
      data: { user: { name: 'Ada' }, orders: [{ id: 1 }, { id: 2 }] },
    });

    expect(result).toEqual({ output: 'Hi Ada! #1 #2 ', missing: ['nickname'] });
  });

  it('escapes HTML when asked and fails in strict mode or on malformed templates', async () => {
    expect((await run('template_render', { template: '{{x}}', data: { x: '<i>' }, escapeHtml: true })).output).toBe('&lt;i&gt;');
    expect((await failure('template_render', { template: '{{x}}', data: {}, strict: true })).message).toMatch(/Missing variable "x"/);
    expect((await failure('template_render', { template: '{{#a}}', data: {} })).message).toMatch(/never closed/);
    await expect(run('template_render', { template: 'x', data: [1, 2] })).rejects.toThrow(ZodError);
  });
});
