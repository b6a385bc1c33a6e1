import { describe, expect, it } from 'vitest';
import { docxFixture, pdfFixture, zipArchive } from '../../test-kit/document-fixtures.js';
import { classifyUpload, extensionOf, MAX_NAME_CHARACTERS, numberedName, sanitiseFileName } from './upload-files.js';
import { pngBytes } from './uploads.test-helpers.js';

describe('sanitiseFileName', () => {
  it.each([
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['  spaced name.md  ', 'spaced name.md'],
    ['tab\tand\u0000nul\u007f.txt', 'tabandnul.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['', 'upload'],
    ['..', 'upload'],
    ['dir/', 'upload'],
    ['\u0001\u0002', 'upload'],
    ['Cafe\u0301.txt', 'Café.txt'],
  ])('turns %j into %j', (clientName, expected) => {
    expect(sanitiseFileName(clientName)).toBe(expected);
  });

  it('adds the extension of an accepted declared MIME type to a name without one', () => {
    expect(sanitiseFileName('', 'application/pdf')).toBe('upload.pdf');
    expect(sanitiseFileName('scan', 'image/jpeg; charset=binary')).toBe('scan.jpg');
    expect(sanitiseFileName('blob', 'application/octet-stream')).toBe('blob');
    expect(sanitiseFileName('notes.txt', 'application/pdf')).toBe('notes.txt');
  });

  it('shortens long names to 200 characters, keeping the extension and whole characters', () => {
    const ascii = sanitiseFileName(`${'a'.repeat(500)}.docx`);
    const emoji = sanitiseFileName(`${'😀'.repeat(150)}.txt`);

    expect(ascii).toBe(`${'a'.repeat(MAX_NAME_CHARACTERS - 5)}.docx`);
    expect(emoji.endsWith('.txt')).toBe(true);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(Buffer.byteLength(emoji, 'utf8')).toBeLessThanOrEqual(240);
  });
});

describe('numberedName', () => {
  it('puts the counter before the extension and stays within 200 characters', () => {
    expect(numberedName('report.pdf', 1)).toBe('report (1).pdf');
    expect(numberedName('archive.tar.gz', 2)).toBe('archive.tar (2).gz');
    expect(numberedName('.env', 3)).toBe('.env (3)');
    expect([...numberedName(`${'b'.repeat(196)}.md`, 12)].length).toBe(MAX_NAME_CHARACTERS);
  });
});

describe('extensionOf', () => {
  it('reads the last extension in lower case and none for dot files', () => {
    expect(extensionOf('Notes.MD')).toBe('md');
    expect(extensionOf('.env')).toBeNull();
    expect(extensionOf('README')).toBeNull();
  });
});

describe('classifyUpload', () => {
  it('accepts documents and images whose content matches the extension', () => {
    expect(classifyUpload('a.pdf', pdfFixture([['x']]))).toEqual({ type: { mimeType: 'application/pdf', format: 'pdf' } });
    expect(classifyUpload('a.docx', docxFixture(['x']))).toMatchObject({ type: { format: 'docx' } });
    expect(classifyUpload('a.json', Buffer.from('{"a":1}'))).toEqual({ type: { mimeType: 'application/json', format: 'json' } });
    expect(classifyUpload('a.htm', Buffer.from('<p>hi</p>'))).toMatchObject({ type: { format: 'html' } });
    expect(classifyUpload('a.txt', Buffer.from('\ufeffBOM text'))).toMatchObject({ type: { format: 'txt' } });
    expect(classifyUpload('a.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('UTF-16 文本', 'utf16le')]))).toMatchObject({ type: { format: 'txt' } });
    expect(classifyUpload('photo.JPG', Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ type: { mimeType: 'image/jpeg', format: null } });
    expect(classifyUpload('a.webp', Buffer.from('RIFF\u0010\u0000\u0000\u0000WEBPVP8 ', 'latin1'))).toMatchObject({ type: { mimeType: 'image/webp' } });
  });

  it.each([
    ['x.exe', Buffer.from('MZ'), /\.exe files are not accepted/],
    ['x.xlsx', zipArchive({ 'xl/workbook.xml': '<workbook/>' }), /\.xlsx files are not accepted/],
    ['x.pdf', Buffer.from('hello'), /PDF/],
    ['x.docx', zipArchive({ 'xl/workbook.xml': '<workbook/>' }), /not a Word document/],
    ['x.gif', pngBytes(), /not a GIF image/],
    ['x.md', pngBytes(), /PNG image/],
    ['x.csv', Buffer.from([0xff, 0x41, 0x0a]), /not valid UTF-8/],
    ['x', Buffer.from('text'), /no file extension/],
  ])('refuses %s and says why', (name, bytes, why) => {
    const decision = classifyUpload(name, bytes);

    expect(decision).toHaveProperty('refused');
    expect((decision as { refused: string }).refused).toMatch(why);
  });
});
