import mammoth from 'mammoth';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { crc32, inflateRawSync } from 'node:zlib';
import {
  corruptDocxFixture,
  corruptPdfFixture,
  csvFixture,
  docxFixture,
  htmlFixture,
  pdfFixture,
  zipArchive,
} from './document-fixtures.js';

/** Reads a ZIP through its central directory, as an unzip tool does, checking every CRC. */
function readZip(archive: Buffer): Record<string, string> {
  const end = archive.length - 22;
  expect(archive.readUInt32LE(end)).toBe(0x06054b50);
  const count = archive.readUInt16LE(end + 10);
  let cursor = archive.readUInt32LE(end + 16);
  const files: Record<string, string> = {};
  for (let index = 0; index < count; index++) {
    expect(archive.readUInt32LE(cursor)).toBe(0x02014b50);
    const compressedSize = archive.readUInt32LE(cursor + 20);
    const nameLength = archive.readUInt16LE(cursor + 28);
    const localOffset = archive.readUInt32LE(cursor + 42);
    const name = archive.subarray(cursor + 46, cursor + 46 + nameLength).toString('utf8');
    expect(archive.readUInt32LE(localOffset)).toBe(0x04034b50);
    const dataStart = localOffset + 30 + archive.readUInt16LE(localOffset + 26);
    const data = inflateRawSync(archive.subarray(dataStart, dataStart + compressedSize));
    expect(crc32(data)).toBe(archive.readUInt32LE(cursor + 16));
    files[name] = data.toString('utf8');
    cursor += 46 + nameLength;
  }
  return files;
}

describe('pdfFixture', () => {
  it('writes a cross-reference table whose offsets point at the objects', () => {
    const pdf = pdfFixture([['one'], ['two']], { title: 'T' }).toString('latin1');
    const xref = pdf.slice(pdf.indexOf('xref\n'));
    const offsets = [...xref.matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
    expect(offsets).toHaveLength(8);
    offsets.forEach((offset, index) => expect(pdf.startsWith(`${index + 1} 0 obj`, offset)).toBe(true));
    expect(Number(/startxref\n(\d+)/.exec(pdf)![1])).toBe(pdf.indexOf('xref\n'));
    expect(pdf).toContain('/Count 2');
  });

  it('escapes PDF string delimiters and refuses text Helvetica cannot show', () => {
    expect(pdfFixture([['a (b) \\ c']]).toString('latin1')).toContain('(a \\(b\\) \\\\ c) Tj');
    expect(() => pdfFixture([['中文']])).toThrow(/Latin-1/);
    expect(() => pdfFixture([])).toThrow(/at least one page/);
  });

  it('makes a corrupt PDF that still starts like one', () => {
    expect(corruptPdfFixture().subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(corruptPdfFixture().includes('xref')).toBe(false);
  });
});

describe('zipArchive and docxFixture', () => {
  it('writes a ZIP whose entries inflate back with matching CRCs', () => {
    const files = readZip(zipArchive({ 'a.txt': 'alpha', 'folder/中文.txt': '内容'.repeat(50) }));
    expect(files).toEqual({ 'a.txt': 'alpha', 'folder/中文.txt': '内容'.repeat(50) });
  });

  it('builds a Word package that mammoth reads, with escaped text', async () => {
    const docx = docxFixture([{ heading: 1, text: 'Title' }, 'A & B <c>']);
    expect(Object.keys(readZip(docx))).toContain('word/document.xml');
    const html = await mammoth.convertToHtml({ buffer: docx });
    expect(html.value).toBe('<h1>Title</h1><p>A &amp; B &lt;c&gt;</p>');
  });

  it('makes a corrupt Word file that starts like a ZIP', () => {
    expect(corruptDocxFixture().readUInt32LE(0)).toBe(0x04034b50);
    expect(() => readZip(corruptDocxFixture())).toThrow();
  });
});

describe('htmlFixture and csvFixture', () => {
  it('puts the marker only in the script and the style', () => {
    const html = htmlFixture({ title: 'Page', sections: [{ heading: 'H', paragraphs: ['p1'] }] }).toString('utf8');
    expect(html.match(/NOT-CONTENT/g)).toHaveLength(2);
    expect(html).toContain('<h2>H</h2>\n<p>p1</p>');
  });

  it('quotes cells so a CSV parser reads the same rows back', () => {
    const rows = [['a,b', 'say "hi"', 'line\nbreak', 'plain']];
    const parsed = Papa.parse<string[]>(csvFixture(rows).toString('utf8'), { skipEmptyLines: true });
    expect(parsed.data).toEqual(rows);
    expect(csvFixture([['x']], { byteOrderMark: true }).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
