import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, splitIntoChunks, type TextChunk } from './chunking.js';

const ENGLISH_PARAGRAPHS = [
  'Retrieval-augmented generation grounds a language model in documents it has never seen. The documents are cut into chunks, embedded and stored. At question time the closest chunks are retrieved and handed over.',
  'Chunk size is a trade-off. Small chunks match questions precisely but lose context! Large chunks keep context but dilute the embedding. Is there a perfect size? Not really: it depends on the documents.',
  'Overlap repeats the end of one chunk at the start of the next. It keeps a sentence that sits on a boundary findable from both sides, at the price of a few more vectors to store and search.',
];

const CHINESE_PARAGRAPHS = [
  '《天工开物》是明代宋应星编著的一部综合性科学技术著作，初刊于一六三七年。全书分为上中下三卷，共十八篇，记载了农业和手工业的各种生产技术。书中附有大量插图，描绘了当时的生产工具和操作场景。它被誉为“中国十七世纪的工艺百科全书”。',
  '宋应星出生于江西奉新，早年屡次参加科举考试，都未能考中进士。他在各地游历时留心观察农民和工匠的劳动，把所见所闻详细记录下来！后来他担任分宜县教谕，利用教学之余整理这些材料，最终写成了这部著作。',
  '这部书在国内曾长期失传，反而在日本和欧洲广为流传。直到二十世纪初，学者们才从日本重新找回了它的刻本。为什么一部如此重要的著作会在本土被遗忘？这个问题至今仍值得研究者深思。',
];

const MIXED_TEXT = [
  '我们使用 PostgreSQL 存储文档的向量。The HNSW index keeps nearest-neighbour search fast even with millions of rows. 检索时先做向量召回，再与关键词结果融合！',
  'Then the best chunks go to the model with their numbers. 模型在回答中用 [1] 这样的编号引用来源。Does every answer need a citation? 只有依据资料的陈述才需要。',
].join('\n\n');

function codePointLength(text: string): number {
  return Array.from(text).length;
}

function contents(chunks: TextChunk[]): string[] {
  return chunks.map((chunk) => chunk.content);
}

/** Sentences ending with a Chinese or English end mark (and any closing quote), as written in the text. */
function sentencesOf(text: string): string[] {
  return (text.match(/[^。！？.!?\s][^。！？]*?(?:[。！？][”」]?|[.!?](?=\s|$))/g) ?? []).map((sentence) => sentence.trim());
}

describe('splitIntoChunks', () => {
  it('keeps whole paragraphs when each fits and two do not', async () => {
    const text = ENGLISH_PARAGRAPHS.join('\n\n');

    const chunks = await splitIntoChunks(text, { chunkSize: 250, chunkOverlap: 0 });

    expect(contents(chunks)).toEqual(ENGLISH_PARAGRAPHS);
  });

  it('cuts long English paragraphs after sentence ends and loses no character', async () => {
    const text = ENGLISH_PARAGRAPHS.join('\n\n');

    const chunks = await splitIntoChunks(text, { chunkSize: 150, chunkOverlap: 0 });

    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(codePointLength(chunk.content)).toBeLessThanOrEqual(150);
      expect(chunk.content).toMatch(/[.!?]$/);
    }
    for (const sentence of sentencesOf(text)) expect(chunks.some((chunk) => chunk.content.includes(sentence))).toBe(true);
    expect(contents(chunks).join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });

  it('cuts a sentence longer than chunkSize after a clause mark', async () => {
    const text = ENGLISH_PARAGRAPHS[2]!;

    const chunks = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 0 });

    expect(contents(chunks)).toEqual([
      'Overlap repeats the end of one chunk at the start of the next.',
      'It keeps a sentence that sits on a boundary findable from both sides,',
      'at the price of a few more vectors to store and search.',
    ]);
  });

  it('cuts Chinese text after 。！？ (with the closing quote), never before the mark', async () => {
    const text = CHINESE_PARAGRAPHS.join('\n\n');

    const chunks = await splitIntoChunks(text, { chunkSize: 80, chunkOverlap: 0 });

    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(codePointLength(chunk.content)).toBeLessThanOrEqual(80);
      expect(chunk.content).toMatch(/[。！？]”?$/);
      expect(chunk.content).not.toMatch(/^[。！？，、”]/);
    }
    for (const sentence of sentencesOf(text)) expect(chunks.some((chunk) => chunk.content.includes(sentence))).toBe(true);
  });

  it('numbers chunks from 0 in text order', async () => {
    const text = CHINESE_PARAGRAPHS.join('\n\n');

    const chunks = await splitIntoChunks(text, { chunkSize: 60, chunkOverlap: 10 });

    expect(chunks.map((chunk) => chunk.position)).toEqual(chunks.map((_chunk, index) => index));
    expect(chunks[0]!.content.startsWith('《天工开物》')).toBe(true);
    expect(chunks.at(-1)!.content.endsWith('深思。')).toBe(true);
  });

  it('cuts mixed Chinese and English text at the sentence ends of both', async () => {
    const chunks = await splitIntoChunks(MIXED_TEXT, { chunkSize: 80, chunkOverlap: 0 });

    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(codePointLength(chunk.content)).toBeLessThanOrEqual(80);
      expect(chunk.content).toMatch(/[。！？.!?]$/);
    }
    for (const sentence of sentencesOf(MIXED_TEXT)) {
      expect(chunks.some((chunk) => chunk.content.includes(sentence))).toBe(true);
    }
  });

  it('repeats the end of a chunk at the start of the next when overlap is set, and only then', async () => {
    const text = Array.from({ length: 20 }, (_value, index) => `Rule ${index + 1} must always be followed.`).join(' ');
    const firstSentence = (content: string) => content.slice(0, content.indexOf('.') + 1);

    const overlapping = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 40 });
    const separate = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 0 });

    expect(overlapping.length).toBeGreaterThan(separate.length);
    for (const [index, chunk] of overlapping.entries()) {
      if (index > 0) expect(overlapping[index - 1]!.content.endsWith(firstSentence(chunk.content))).toBe(true);
    }
    for (const [index, chunk] of separate.entries()) {
      if (index > 0) expect(separate[index - 1]!.content.includes(firstSentence(chunk.content))).toBe(false);
    }
  });

  it('cuts a 5,000-character token without separators into chunks of at most chunkSize', async () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const token = Array.from({ length: 5000 }, (_value, index) => alphabet[(index * 7) % alphabet.length]).join('');

    const chunks = await splitIntoChunks(token, { chunkSize: 500, chunkOverlap: 50 });

    for (const chunk of chunks) expect(codePointLength(chunk.content)).toBeLessThanOrEqual(500);
    const rebuilt = chunks.map((chunk, index) => (index === 0 ? chunk.content : chunk.content.slice(50))).join('');
    expect(rebuilt).toBe(token);
  });

  it('counts code points, so characters outside the BMP count once and are never cut in two', async () => {
    const text = Array.from({ length: 300 }, (_value, index) => String.fromCodePoint(0x20000 + index)).join('');

    const chunks = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 0 });

    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) {
      expect(codePointLength(chunk.content)).toBe(100);
      expect(Array.from(chunk.content).every((character) => character.codePointAt(0)! >= 0x20000)).toBe(true);
    }
  });

  it('treats custom separators as literal text: "###" starts the next chunk, "." ends its chunk', async () => {
    const markdown = 'Intro paragraph about the guide.\n### Install\nRun the installer and follow the steps.\n### Configure\nEdit the settings file before the first start.';
    const dotted = 'Alpha beta gamma delta epsilon zeta eta theta.Iota kappa lambda mu nu xi omicron pi.Rho sigma tau.';

    const byHeading = await splitIntoChunks(markdown, { chunkSize: 70, chunkOverlap: 0, separators: ['###'] });
    const byDot = await splitIntoChunks(dotted, { chunkSize: 50, chunkOverlap: 0, separators: ['.'] });

    expect(contents(byHeading)).toEqual([
      'Intro paragraph about the guide.',
      '### Install\nRun the installer and follow the steps.',
      '### Configure\nEdit the settings file before the first start.',
    ]);
    expect(contents(byDot)).toEqual([
      'Alpha beta gamma delta epsilon zeta eta theta.',
      'Iota kappa lambda mu nu xi omicron pi.',
      'Rho sigma tau.',
    ]);
  });

  it('accepts separators that are not valid regular expressions', async () => {
    const text = 'First part of the text, long enough. ***Second part of the text, long enough.';

    const chunks = await splitIntoChunks(text, { chunkSize: 50, chunkOverlap: 0, separators: ['***', '(?'] });

    expect(contents(chunks)).toEqual(['First part of the text, long enough.', '***Second part of the text, long enough.']);
  });

  it('normalises line ends, trailing spaces and runs of empty lines', async () => {
    const text = 'Line one.   \r\nLine two.\t\r\n\r\n\r\n\r\nLine three.';

    const chunks = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 0 });

    expect(contents(chunks)).toEqual(['Line one.\nLine two.\n\nLine three.']);
  });

  it.each(['', '   ', ' \n\t \r\n \u3000'])('answers no chunks for empty or blank text %j', async (text) => {
    const chunks = await splitIntoChunks(text, { chunkSize: 100, chunkOverlap: 10 });

    expect(chunks).toEqual([]);
  });

  it.each([
    { chunkSize: MIN_CHUNK_SIZE - 1, chunkOverlap: 0 },
    { chunkSize: MAX_CHUNK_SIZE + 1, chunkOverlap: 0 },
    { chunkSize: 100.5, chunkOverlap: 0 },
    { chunkSize: 100, chunkOverlap: -1 },
    { chunkSize: 100, chunkOverlap: 100 },
    { chunkSize: 100, chunkOverlap: 2.5 },
  ])('rejects out-of-range sizes %j', async (options) => {
    await expect(splitIntoChunks('Some text.', options)).rejects.toThrow(RangeError);
  });
});
