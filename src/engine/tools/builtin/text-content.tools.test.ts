import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { textContentTools } from './text-content.tools.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';

const run = <Output = Record<string, unknown>>(name: string, input: unknown) => runTool<Output>(textContentTools, name, input);
const failure = (name: string, input: unknown) => toolErrorOf(textContentTools, name, input);

describe('text_stats', () => {
  it('counts mixed English and Chinese text, each CJK character as a word', async () => {
    expect(await run('text_stats', { text: 'Hello, world! 你好世界。This is a test.' })).toEqual({
      characters: 34,
      charactersExcludingSpaces: 29,
      bytes: 44,
      words: 10,
      cjkCharacters: 4,
      lines: 1,
      paragraphs: 1,
      sentences: 3,
      estimatedTokens: 12,
      readingTimeMinutes: 0,
    });
  });

  it('counts what a reader sees: emoji with modifiers are one character, contractions one word', async () => {
    expect(await run('text_stats', { text: "👍🏽 don't stop-me" })).toMatchObject({ characters: 15, words: 2, bytes: 22 });
  });

  it('counts lines, paragraphs and sentences across newlines', async () => {
    expect(await run('text_stats', { text: 'First line.\nSecond line\n\nNew paragraph? Yes!\n' })).toMatchObject({
      lines: 4,
      paragraphs: 2,
      sentences: 4,
    });
    expect(await run('text_stats', { text: 'Pi is 3.14 exactly' })).toMatchObject({ sentences: 1, words: 4 });
  });

  it('answers zeros for an empty text', async () => {
    expect(await run('text_stats', { text: '' })).toMatchObject({ characters: 0, words: 0, lines: 0, paragraphs: 0, sentences: 0, estimatedTokens: 0 });
  });

  it('estimates reading time from the word count', async () => {
    expect((await run('text_stats', { text: 'word '.repeat(400) })).readingTimeMinutes).toBe(2);
  });
});

describe('text_transform', () => {
  it.each([
    ['upper', 'Straße', 'STRASSE'],
    ['lower', 'ÀB', 'àb'],
    ['title', "the lord of the rings, don't panic", "The Lord Of The Rings, Don't Panic"],
    ['sentence', 'HELLO THERE. HOW ARE YOU?', 'Hello there. How are you?'],
    ['snake', 'XMLHttpRequest v2', 'xml_http_request_v_2'],
    ['snake', 'already_snake-case words', 'already_snake_case_words'],
    ['camel', 'hello world-foo_bar', 'helloWorldFooBar'],
    ['pascal', 'hello world', 'HelloWorld'],
    ['kebab', 'Hello World', 'hello-world'],
    ['constant', 'someValue', 'SOME_VALUE'],
    ['slugify', 'Crème Brûlée: 100% Délicieux!', 'creme-brulee-100-delicieux'],
    ['slugify', '  你好 世界 ', '你好-世界'],
    ['trim', '\t padded \n', 'padded'],
    ['reverse', 'ab👍🏽c', 'c👍🏽ba'],
    ['reverse', 'e\u0301x', 'xe\u0301'],
  ])('%s(%j) = %j', async (operation, text, expected) => {
    expect(await run('text_transform', { operation, text })).toEqual({ operation, result: expected });
  });

  it('truncates at a word boundary with an ellipsis, and leaves short text alone', async () => {
    const text = 'The quick brown fox jumps';

    expect(await run('text_transform', { operation: 'truncate', text, maxLength: 12 })).toEqual({
      operation: 'truncate',
      result: 'The quick…',
      truncated: true,
    });
    expect(await run('text_transform', { operation: 'truncate', text, maxLength: 8, ellipsis: '...' })).toMatchObject({ result: 'The q...' });
    expect(await run('text_transform', { operation: 'truncate', text, maxLength: 30 })).toMatchObject({ result: text, truncated: false });
  });

  it('rejects truncate without a usable maxLength and unknown operations', async () => {
    expect((await failure('text_transform', { operation: 'truncate', text: 'abc' })).message).toMatch(/needs maxLength/);
    expect((await failure('text_transform', { operation: 'truncate', text: 'abcdef', maxLength: 2, ellipsis: '...' })).message).toMatch(/shorter than the ellipsis/);
    await expect(run('text_transform', { operation: 'leetspeak', text: 'abc' })).rejects.toThrow(ZodError);
  });
});
