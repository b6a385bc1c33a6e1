import { describe, expect, it } from 'vitest';
import { docxFixture, pdfFixture, zipArchive } from '../../test-kit/document-fixtures.js';
import { detectDocumentFormat, hintedFormat, looksBinary } from './document-format.js';
import { isDocumentError } from './documents.errors.js';

const text = (value: string): Buffer => Buffer.from(value, 'utf8');

function reasonOf(hints: Parameters<typeof detectDocumentFormat>[0]): string {
  try {
    return `format ${detectDocumentFormat(hints)}`;
  } catch (error) {
    return isDocumentError(error) ? error.reason : `unexpected ${String(error)}`;
  }
}

describe('detectDocumentFormat', () => {
  it('trusts magic bytes over a misleading name', () => {
    expect(detectDocumentFormat({ bytes: pdfFixture([['x']]), fileName: 'report.txt' })).toBe('pdf');
    expect(detectDocumentFormat({ bytes: docxFixture(['x']), fileName: 'notes.csv' })).toBe('docx');
    expect(detectDocumentFormat({ bytes: docxFixture(['x']) })).toBe('docx');
  });

  it('finds a PDF header after leading junk', () => {
    const bytes = Buffer.concat([text('junk before the header\n'), pdfFixture([['x']])]);
    expect(detectDocumentFormat({ bytes })).toBe('pdf');
  });

  it('picks text formats by extension, then by MIME type', () => {
    expect(detectDocumentFormat({ bytes: text('a,b'), fileName: 'data.CSV' })).toBe('csv');
    expect(detectDocumentFormat({ bytes: text('a\tb'), fileName: 'data.tsv' })).toBe('csv');
    expect(detectDocumentFormat({ bytes: text('# x'), fileName: 'README.md' })).toBe('markdown');
    expect(detectDocumentFormat({ bytes: text('<p>x</p>'), fileName: 'page.htm' })).toBe('html');
    expect(detectDocumentFormat({ bytes: text('{}'), fileName: 'config.json' })).toBe('json');
    expect(detectDocumentFormat({ bytes: text('a,b'), mimeType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(detectDocumentFormat({ bytes: text('x'), fileName: 'script.py', mimeType: 'text/markdown' })).toBe('markdown');
  });

  it('sniffs HTML and JSON without hints and falls back to plain text', () => {
    expect(detectDocumentFormat({ bytes: text('\ufeff  <!DOCTYPE html><p>x</p>') })).toBe('html');
    expect(detectDocumentFormat({ bytes: text('<html><body>x</body></html>') })).toBe('html');
    expect(detectDocumentFormat({ bytes: text('{"a": [1, 2]}') })).toBe('json');
    expect(detectDocumentFormat({ bytes: text('{not json') })).toBe('txt');
    expect(detectDocumentFormat({ bytes: text('just words'), fileName: 'notes' })).toBe('txt');
    expect(detectDocumentFormat({ bytes: text('') })).toBe('txt');
  });

  it('refuses binary formats it does not read as unsupported_format', () => {
    expect(reasonOf({ bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), fileName: 'a.png' })).toBe('unsupported_format');
    expect(reasonOf({ bytes: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]), fileName: 'old.doc' })).toBe('unsupported_format');
    expect(reasonOf({ bytes: zipArchive({ 'xl/workbook.xml': '<workbook/>' }), fileName: 'sheet.xlsx' })).toBe('unsupported_format');
    expect(reasonOf({ bytes: Buffer.from([1, 2, 0, 3, 4]), fileName: 'blob.txt' })).toBe('unsupported_format');
  });

  it('calls a claimed PDF or DOCX without its signature corrupt', () => {
    expect(reasonOf({ bytes: text('hello'), fileName: 'fake.pdf' })).toBe('corrupt');
    expect(reasonOf({ bytes: text('hello'), mimeType: 'application/pdf' })).toBe('corrupt');
    expect(reasonOf({ bytes: text('hello'), fileName: 'fake.docx' })).toBe('corrupt');
    expect(reasonOf({ bytes: Buffer.alloc(0), fileName: 'empty.pdf' })).toBe('corrupt');
  });
});

describe('hintedFormat and looksBinary', () => {
  it('ignores unknown extensions and MIME types', () => {
    expect(hintedFormat({ fileName: 'archive.tar', mimeType: 'application/octet-stream' })).toBeNull();
    expect(hintedFormat({})).toBeNull();
  });

  it('treats NUL bytes as binary unless a UTF-16 byte-order mark explains them', () => {
    expect(looksBinary(Buffer.from('plain', 'utf8'))).toBe(false);
    expect(looksBinary(Buffer.from([0x61, 0x00, 0x62]))).toBe(true);
    expect(looksBinary(Buffer.from('\ufeffhi', 'utf16le'))).toBe(false);
  });
});
