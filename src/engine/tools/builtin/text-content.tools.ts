import { z } from 'zod';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';

const MAX_TEXT_LENGTH = 1_000_000;

/** Han characters and Japanese kana: written without spaces, so each counts as a word. */
const ideographs = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const ideograph = new RegExp(`[${ideographs}]`, 'u');
/** A letter, digit or mark that is not an ideograph. */
const wordCharacter = `(?:(?![${ideographs}])[\\p{L}\\p{N}\\p{M}])`;
/** An ideograph, a decimal number (3.14, 1,000), or a word with inner apostrophes and hyphens (don't, stop-me). */
const wordOrIdeograph = new RegExp(
  `[${ideographs}]|\\p{N}+(?:[.,]\\p{N}+)+|${wordCharacter}+(?:['’-]${wordCharacter}+)*`,
  'gu',
);
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemesOf(text: string): string[] {
  return Array.from(graphemes.segment(text), (segment) => segment.segment);
}

const textStats = defineTool({
  name: 'text_stats',
  category: 'text',
  description:
    'Counts a text: characters (as a reader sees them), characters without whitespace, UTF-8 bytes, words (each ' +
    'Chinese or Japanese character counts as one word), lines, paragraphs, sentences, a rough token estimate for ' +
    'LLMs (about 4 characters per token for English, 1 per CJK character) and reading time at 200 words per minute.',
  inputSchema: z.object({ text: z.string().max(MAX_TEXT_LENGTH).describe('The text to measure') }),
  async execute({ text }) {
    const characters = graphemesOf(text);
    const words = text.match(wordOrIdeograph) ?? [];
    const cjkCharacters = words.filter((word) => ideograph.test(word)).length;
    const otherWords = words.length - cjkCharacters;
    const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const paragraphs = text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== '').length;
    const sentences = text.split(/[.!?…]+(?=\s|$)|[。！？]+|\n\s*\n/u).filter((part) => /[\p{L}\p{N}]/u.test(part)).length;
    return {
      characters: characters.length,
      charactersExcludingSpaces: characters.filter((character) => !/^\s+$/u.test(character)).length,
      bytes: Buffer.byteLength(text, 'utf8'),
      words: words.length,
      cjkCharacters,
      lines,
      paragraphs,
      sentences,
      estimatedTokens: Math.ceil(cjkCharacters + (characters.length - cjkCharacters) / 4),
      readingTimeMinutes: Math.round(((otherWords + cjkCharacters / 1.5) / 200) * 10) / 10,
    };
  },
});

/** Splits identifiers and phrases into words: "XMLHttpRequest v2" -> XML, Http, Request, v, 2. */
function wordsOf(text: string): string[] {
  return text.match(/\p{Lu}+(?=\p{Lu}[\p{Ll}\p{M}])|\p{Lu}?[\p{Ll}\p{M}]+|\p{Lu}+|\p{N}+|[\p{Lo}\p{Lt}\p{Lm}\p{M}]+/gu) ?? [];
}

const capitalize = (word: string): string => {
  const [first = '', ...rest] = Array.from(word);
  return first.toUpperCase() + rest.join('').toLowerCase();
};

function truncate(text: string, maxLength: number | undefined, ellipsis: string): { result: string; truncated: boolean } {
  if (maxLength === undefined) throw new ToolError('"truncate" needs maxLength');
  const characters = graphemesOf(text);
  if (characters.length <= maxLength) return { result: text, truncated: false };
  const room = maxLength - graphemesOf(ellipsis).length;
  if (room < 0) throw new ToolError('maxLength is shorter than the ellipsis');
  let cut = characters.slice(0, room).join('');
  // Prefer ending at a word boundary when one is in the last third of what is kept.
  const lastSpace = cut.search(/\s\S*$/);
  if (lastSpace > (cut.length * 2) / 3) cut = cut.slice(0, lastSpace);
  return { result: cut.trimEnd() + ellipsis, truncated: true };
}

const operations = ['upper', 'lower', 'title', 'sentence', 'snake', 'camel', 'pascal', 'kebab', 'constant', 'slugify', 'trim', 'reverse', 'truncate'] as const;

const transforms: Record<Exclude<(typeof operations)[number], 'truncate'>, (text: string) => string> = {
  upper: (text) => text.toUpperCase(),
  lower: (text) => text.toLowerCase(),
  title: (text) => text.replace(/[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu, capitalize),
  sentence: (text) => text.toLowerCase().replace(/(^\s*|[.!?]\s+)(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase()),
  snake: (text) => wordsOf(text).map((word) => word.toLowerCase()).join('_'),
  camel: (text) => wordsOf(text).map((word, index) => (index === 0 ? word.toLowerCase() : capitalize(word))).join(''),
  pascal: (text) => wordsOf(text).map(capitalize).join(''),
  kebab: (text) => wordsOf(text).map((word) => word.toLowerCase()).join('-'),
  constant: (text) => wordsOf(text).map((word) => word.toUpperCase()).join('_'),
  slugify: (text) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, ''),
  trim: (text) => text.trim(),
  reverse: (text) => graphemesOf(text).reverse().join(''),
};

const textTransform = defineTool({
  name: 'text_transform',
  category: 'text',
  description:
    'Transforms text: upper, lower, title (Each Word Capitalised), sentence (First word capitalised), snake ' +
    '(snake_case), camel (camelCase), pascal (PascalCase), kebab (kebab-case), constant (CONSTANT_CASE), slugify ' +
    '(url-safe-slug, accents removed), trim, reverse (keeps emoji and accents intact) or truncate (to maxLength ' +
    'characters with an ellipsis, at a word boundary when possible).',
  inputSchema: z.object({
    text: z.string().max(MAX_TEXT_LENGTH).describe('The text to transform'),
    operation: z.enum(operations).describe('The transformation'),
    maxLength: z.number().int().min(1).max(MAX_TEXT_LENGTH).optional().describe('For truncate: the most characters in the result, ellipsis included'),
    ellipsis: z.string().max(20).default('…').describe('For truncate: what marks the cut'),
  }),
  async execute({ text, operation, maxLength, ellipsis }) {
    if (operation === 'truncate') return { operation, ...truncate(text, maxLength, ellipsis) };
    return { operation, result: transforms[operation](text) };
  },
});

/** Text statistics and text transformations. */
export const textContentTools: RegisteredTool[] = [textStats, textTransform];
