import { describe, expect, it } from 'vitest';
import {
  corruptDocxFixture,
  corruptPdfFixture,
  csvFixture,
  docxFixture,
  htmlFixture,
  pdfFixture,
} from '../../test-kit/document-fixtures.js';
import { rejectionOf } from '../../test-kit/rejection-of.js';
import { isDocumentError, type DocumentErrorReason } from './documents.errors.js';
import { extractText } from './extract-text.js';

async function expectReason(promise: Promise<unknown>, reason: DocumentErrorReason): Promise<void> {
  const error = await rejectionOf(promise);
  expect(isDocumentError(error) ? error.reason : error).toBe(reason);
}

describe('extractText: PDF', () => {
  it('extracts every page, the page count and the title', async () => {
    const bytes = pdfFixture([['Quarterly report', 'Revenue (net) grew'], ['Second page', 'Caf\u00e9 au lait'], ['Third']], {
      title: 'Q3 Report',
    });
    const document = await extractText({ bytes, fileName: 'report.pdf' });
    expect(document.format).toBe('pdf');
    expect(document.pages).toBe(3);
    expect(document.pageTexts).toEqual(['Quarterly report\nRevenue (net) grew', 'Second page\nCaf\u00e9 au lait', 'Third']);
    expect(document.text).toBe(document.pageTexts!.join('\n\n'));
    expect(document.metadata).toMatchObject({ title: 'Q3 Report', producer: 'tiangong test-kit', bytes: bytes.length });
  });

  it('reports a corrupt or truncated PDF as corrupt, not a crash', async () => {
    await expectReason(extractText({ bytes: corruptPdfFixture(), fileName: 'broken.pdf' }), 'corrupt');
    const truncated = pdfFixture([['Some text']]).subarray(0, 200);
    await expectReason(extractText({ bytes: truncated, fileName: 'cut.pdf' }), 'corrupt');
  });

  it('does not change the caller bytes', async () => {
    const bytes = pdfFixture([['Keep me']]);
    const copy = Buffer.from(bytes);
    await extractText({ bytes });
    expect(bytes.equals(copy)).toBe(true);
  });
});

describe('extractText: DOCX', () => {
  it('extracts paragraphs, Chinese included, and the headings', async () => {
    const bytes = docxFixture([
      { heading: 1, text: '年度报告' },
      '这是第一段。It mixes languages & <symbols>.',
      { heading: 2, text: 'Details' },
      'Last paragraph',
    ]);
    const document = await extractText({ bytes, fileName: '报告.docx' });
    expect(document.format).toBe('docx');
    expect(document.text).toBe('年度报告\n\n这是第一段。It mixes languages & <symbols>.\n\nDetails\n\nLast paragraph');
    expect(document.headings).toEqual([
      { level: 1, text: '年度报告' },
      { level: 2, text: 'Details' },
    ]);
  });

  it('reports a truncated Word file as corrupt', async () => {
    const error = await rejectionOf(extractText({ bytes: corruptDocxFixture(), fileName: 'cut.docx' }));
    expect(isDocumentError(error, 'corrupt')).toBe(true);
    expect((error as Error).message).toContain('"cut.docx" is not a readable DOCX file');
  });
});

describe('extractText: CSV', () => {
  it('parses rows with quoted delimiters, line breaks and Chinese cells', async () => {
    const rows = [
      ['城市', 'population', 'note'],
      ['北京', '21,540,000', 'capital, "big"'],
      ['上海', '24,870,000', 'two\nlines'],
    ];
    const document = await extractText({ bytes: csvFixture(rows, { byteOrderMark: true }), fileName: 'cities.csv' });
    expect(document.format).toBe('csv');
    expect(document.rows).toEqual(rows);
    expect(document.text.split('\n')[0]).toBe('城市 | population | note');
    expect(document.metadata).toMatchObject({ rowCount: 3, columnCount: 3, delimiter: ',' });
    expect(document.metadata.parseErrors).toBeUndefined();
  });

  it('guesses a semicolon delimiter and reads TSV by extension', async () => {
    const semicolons = await extractText({ bytes: csvFixture([['a', 'b'], ['1', '2']], { delimiter: ';' }), fileName: 'x.csv' });
    expect(semicolons.rows).toEqual([['a', 'b'], ['1', '2']]);
    const tabs = await extractText({ bytes: Buffer.from('a,1\tb\nc\td\n'), fileName: 'x.tsv' });
    expect(tabs.rows).toEqual([['a,1', 'b'], ['c', 'd']]);
  });

  it('counts malformed quoting as parse errors instead of failing', async () => {
    const document = await extractText({ bytes: Buffer.from('a,b\n"unclosed,2\n'), fileName: 'bad.csv' });
    expect(document.metadata.parseErrors).toBeGreaterThan(0);
  });
});

describe('extractText: text formats', () => {
  it('reads UTF-8 text with Chinese and normalises line endings', async () => {
    const document = await extractText({ bytes: Buffer.from('第一行\r\nsecond line\r\n', 'utf8'), fileName: 'notes.txt' });
    expect(document).toMatchObject({ format: 'txt', text: '第一行\nsecond line\n' });
    expect(document.metadata).toMatchObject({ encoding: 'utf-8', characters: 16 });
  });

  it('reads UTF-16 text with a byte-order mark and flags invalid UTF-8 as lossy', async () => {
    const utf16 = await extractText({ bytes: Buffer.from('\ufeff你好 UTF-16', 'utf16le'), fileName: 'wide.txt' });
    expect(utf16.text).toBe('你好 UTF-16');
    expect(utf16.metadata.encoding).toBe('utf-16le');
    const latin1 = await extractText({ bytes: Buffer.from('caf\u00e9', 'latin1'), fileName: 'old.txt' });
    expect(latin1.metadata.encoding).toBe('utf-8 (lossy)');
    expect(latin1.text).toBe('caf\ufffd');
  });

  it('keeps Markdown as written and lists its headings, not those in code fences', async () => {
    const markdown = '# Title\n\nText\n\n```sh\n# a comment\n```\n\n## Section two ##\n';
    const document = await extractText({ bytes: Buffer.from(markdown), fileName: 'README.md' });
    expect(document.text).toBe(markdown);
    expect(document.headings).toEqual([
      { level: 1, text: 'Title' },
      { level: 2, text: 'Section two' },
    ]);
  });

  it('turns HTML into readable text without scripts or styles', async () => {
    const bytes = htmlFixture({
      title: 'Tom & Jerry',
      sections: [{ heading: 'First_part', paragraphs: ['Hello world', '中文段落'] }],
    });
    const document = await extractText({ bytes, fileName: 'page.html' });
    expect(document.format).toBe('html');
    expect(document.text).toBe('# Tom & Jerry\n\n## First_part\n\nHello world\n\n中文段落');
    expect(document.text).not.toContain('NOT-CONTENT');
    expect(document.metadata.title).toBe('Tom & Jerry');
    expect(document.headings).toEqual([
      { level: 1, text: 'Tom & Jerry' },
      { level: 2, text: 'First_part' },
    ]);
  });

  it('pretty-prints JSON and calls invalid JSON corrupt', async () => {
    const document = await extractText({ bytes: Buffer.from('{"name":"天工","tags":["a"]}'), fileName: 'data.json' });
    expect(document.text).toBe('{\n  "name": "天工",\n  "tags": [\n    "a"\n  ]\n}');
    await expectReason(extractText({ bytes: Buffer.from('{"name":'), fileName: 'data.json' }), 'corrupt');
  });
});

describe('extractText: limits', () => {
  it('refuses documents over the size cap before parsing them', async () => {
    const error = await rejectionOf(extractText({ bytes: Buffer.alloc(101, 0x61), fileName: 'a.txt' }, { maxBytes: 100 }));
    expect(isDocumentError(error, 'too_large')).toBe(true);
    expect((error as { code: string }).code).toBe('DOCUMENT_TOO_LARGE');
    expect((await extractText({ bytes: Buffer.alloc(100, 0x61) }, { maxBytes: 100 })).text).toHaveLength(100);
  });

  it('refuses unsupported formats with a typed error', async () => {
    const error = await rejectionOf(extractText({ bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), fileName: 'photo.jpg' }));
    expect(isDocumentError(error, 'unsupported_format')).toBe(true);
    expect((error as { category: string }).category).toBe('unsupported_media_type');
  });

  it('stops when the signal is already aborted', async () => {
    const signal = AbortSignal.abort(new Error('cancelled'));
    const error = await rejectionOf(extractText({ bytes: pdfFixture([['x']]) }, { signal }));
    expect((error as Error).message).toBe('cancelled');
  });
});
