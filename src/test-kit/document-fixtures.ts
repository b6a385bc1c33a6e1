import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Documents generated in code for extraction tests: PDFs, Word files, HTML and CSV. No binary
 * fixture is committed; each builder writes the smallest file its format allows.
 */

/** A paragraph of a {@link docxFixture}: plain text, or a heading of level 1 to 3. */
export type DocxParagraph = string | { heading: 1 | 2 | 3; text: string };

/** Options of {@link pdfFixture}. */
export interface PdfFixtureOptions {
  /** Written to the document information dictionary (/Title). */
  title?: string;
}

function escapePdfString(text: string): string {
  for (const character of text) {
    if (character.charCodeAt(0) > 0xff) {
      throw new Error(`pdfFixture only writes Latin-1 text (WinAnsi Helvetica); got "${character}"`);
    }
  }
  return text.replace(/[\\()]/g, (character) => `\\${character}`);
}

function pageContent(lines: string[]): string {
  const shown = lines.map((line) => `(${escapePdfString(line)}) Tj T*`).join('\n');
  return `BT\n/F1 12 Tf\n16 TL\n72 720 Td\n${shown}\nET`;
}

/**
 * A valid PDF with one page per entry of `pages`, each line of a page on its own text line in
 * Helvetica. Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its content stream
 * per page; the cross-reference table is computed from the byte offsets.
 */
export function pdfFixture(pages: string[][], options: PdfFixtureOptions = {}): Buffer {
  if (pages.length === 0) throw new Error('pdfFixture needs at least one page');
  const pageIds = pages.map((_, index) => 5 + index * 2);
  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Producer (tiangong test-kit)${options.title === undefined ? '' : ` /Title (${escapePdfString(options.title)})`} >>`,
  ];
  pages.forEach((lines, index) => {
    const content = pageContent(lines);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index]! + 1} 0 R >>`,
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
  });
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(body, 'latin1');
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Bytes that start like a PDF but hold no document: extraction must fail as corrupt. */
export function corruptPdfFixture(): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), Buffer.from('this is not a pdf body '.repeat(20), 'latin1')]);
}

/**
 * A ZIP archive of `files` (path → content), each entry deflated. Steps per entry: CRC-32 of the
 * raw bytes, raw deflate, a local file header and the data; then one central-directory record per
 * entry and the end-of-central-directory record. Names are flagged UTF-8; times are 1980-01-01.
 */
export function zipArchive(files: Record<string, string | Buffer>): Buffer {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const compressed = deflateRawSync(raw);
    const nameBytes = Buffer.from(name, 'utf8');
    const shared = Buffer.alloc(26);
    shared.writeUInt16LE(20, 0); // version needed: 2.0 (deflate)
    shared.writeUInt16LE(0x0800, 2); // flags: UTF-8 names
    shared.writeUInt16LE(8, 4); // method: deflate
    shared.writeUInt16LE(0, 6); // time 00:00
    shared.writeUInt16LE(0x0021, 8); // date 1980-01-01
    shared.writeUInt32LE(crc32(raw), 10);
    shared.writeUInt32LE(compressed.length, 14);
    shared.writeUInt32LE(raw.length, 18);
    shared.writeUInt16LE(nameBytes.length, 22);
    shared.writeUInt16LE(0, 24); // no extra field
    const local = Buffer.concat([uint32(0x04034b50), shared, nameBytes, compressed]);
    // comment length, disk number, internal and external attributes stay 0; then the local header offset
    const centralTail = Buffer.alloc(14);
    centralTail.writeUInt32LE(offset, 10);
    centralParts.push(Buffer.concat([uint32(0x02014b50), uint16(20), shared, centralTail, nameBytes]));
    localParts.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centralParts.length, 8);
  end.writeUInt16LE(centralParts.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, central, end]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}

function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value, 0);
  return bytes;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[character]};`);
}

const wordNamespace = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const relationshipTypes = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function docxParagraph(paragraph: DocxParagraph): string {
  const text = typeof paragraph === 'string' ? paragraph : paragraph.text;
  const style = typeof paragraph === 'string' ? '' : `<w:pPr><w:pStyle w:val="Heading${paragraph.heading}"/></w:pPr>`;
  return `<w:p>${style}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
}

/** A Word document (.docx) with `paragraphs` in order; headings use the built-in Heading 1-3 styles. */
export function docxFixture(paragraphs: DocxParagraph[]): Buffer {
  const xmlHeader = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
  const styles = [1, 2, 3]
    .map((level) => `<w:style w:type="paragraph" w:styleId="Heading${level}"><w:name w:val="heading ${level}"/></w:style>`)
    .join('');
  return zipArchive({
    '[Content_Types].xml':
      `${xmlHeader}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
      '</Types>',
    '_rels/.rels':
      `${xmlHeader}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${relationshipTypes}/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/_rels/document.xml.rels':
      `${xmlHeader}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${relationshipTypes}/styles" Target="styles.xml"/></Relationships>`,
    'word/styles.xml': `${xmlHeader}<w:styles xmlns:w="${wordNamespace}">${styles}</w:styles>`,
    'word/document.xml':
      `${xmlHeader}<w:document xmlns:w="${wordNamespace}"><w:body>` +
      `${paragraphs.map(docxParagraph).join('')}</w:body></w:document>`,
  });
}

/** Bytes that start like a ZIP (so like a .docx) but are cut off: extraction must fail as corrupt. */
export function corruptDocxFixture(): Buffer {
  return docxFixture(['truncated']).subarray(0, 60);
}

/** A section of an {@link htmlFixture}. */
export interface HtmlSection {
  heading: string;
  paragraphs: string[];
}

/**
 * An HTML page with a title, a script, a style sheet and `sections` as h2 headings and paragraphs;
 * the script and style hold the marker "NOT-CONTENT", which readable text must not contain.
 */
export function htmlFixture(page: { title: string; sections: HtmlSection[] }): Buffer {
  const sections = page.sections
    .map((section) => `<h2>${escapeXml(section.heading)}</h2>\n${section.paragraphs.map((text) => `<p>${escapeXml(text)}</p>`).join('\n')}`)
    .join('\n');
  return Buffer.from(
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeXml(page.title)}</title>` +
      '<style>body::before { content: "NOT-CONTENT"; }</style>' +
      '<script>window.marker = "NOT-CONTENT";</script></head>\n' +
      `<body><h1>${escapeXml(page.title)}</h1>\n${sections}\n</body></html>\n`,
    'utf8',
  );
}

/** Options of {@link csvFixture}. */
export interface CsvFixtureOptions {
  /** Cell separator (default ","). */
  delimiter?: string;
  /** Start with a UTF-8 byte-order mark, as Excel writes (default false). */
  byteOrderMark?: boolean;
}

/** A CSV file of `rows`, quoting cells that hold the delimiter, quotes or line breaks (RFC 4180). */
export function csvFixture(rows: string[][], options: CsvFixtureOptions = {}): Buffer {
  const delimiter = options.delimiter ?? ',';
  const quote = (cell: string): string =>
    cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
  const text = rows.map((row) => row.map(quote).join(delimiter)).join('\r\n') + '\r\n';
  return Buffer.from((options.byteOrderMark ? '\ufeff' : '') + text, 'utf8');
}
