import { corruptDocument, unsupportedFormat } from './documents.errors.js';

/** A document format text can be extracted from. */
export type DocumentFormat = 'pdf' | 'docx' | 'csv' | 'txt' | 'markdown' | 'html' | 'json';

/** What is known about a document before reading it. */
export interface DocumentHints {
  bytes: Uint8Array;
  fileName?: string;
  mimeType?: string;
}

const byExtension: Record<string, DocumentFormat> = {
  pdf: 'pdf',
  docx: 'docx',
  csv: 'csv',
  tsv: 'csv',
  txt: 'txt',
  text: 'txt',
  log: 'txt',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  json: 'json',
};

const byMimeType: Record<string, DocumentFormat> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'text/plain': 'txt',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/json': 'json',
};

/** Binary formats recognised only to refuse them with a clear message. */
const knownBinaries: { magic: number[]; name: string }[] = [
  { magic: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], name: 'a GIF image' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], name: 'a legacy Office file (.doc/.xls); save it as .docx' },
  { magic: [0x1f, 0x8b], name: 'a gzip archive' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], name: 'an executable' },
];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  return magic.every((byte, index) => bytes[at + index] === byte);
}

/** The format named by the file extension or, failing that, the MIME type (parameters ignored). */
export function hintedFormat(hints: Omit<DocumentHints, 'bytes'>): DocumentFormat | null {
  const extension = hints.fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (extension !== undefined && byExtension[extension]) return byExtension[extension];
  const mimeType = hints.mimeType?.split(';')[0]?.trim().toLowerCase();
  return (mimeType !== undefined && byMimeType[mimeType]) || null;
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  // The header may follow up to 1 KiB of leading junk, which readers tolerate.
  return Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-', 0, 'latin1');
}

function isZip(bytes: Uint8Array): boolean {
  return startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]);
}

function sniffText(bytes: Uint8Array): DocumentFormat {
  const start = Buffer.from(bytes.subarray(0, 512)).toString('utf8').replace(/^\ufeff/, '').trimStart().toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  if (start.startsWith('{') || start.startsWith('[')) {
    try {
      JSON.parse(Buffer.from(bytes).toString('utf8').replace(/^\ufeff/, ''));
      return 'json';
    } catch {
      return 'txt';
    }
  }
  return 'txt';
}

/**
 * Decides the format of a document. Steps: magic bytes first (a PDF header, a ZIP holding
 * `word/document.xml`, known images and archives to refuse); then a PDF or DOCX claimed by the
 * name or MIME type but without its magic is corrupt; then text formats by extension or MIME type;
 * then, with no useful hint, HTML or JSON by content and plain text otherwise. Binary content
 * (NUL bytes) that matches nothing is unsupported.
 */
export function detectDocumentFormat(hints: DocumentHints): DocumentFormat {
  const { bytes, fileName } = hints;
  const hinted = hintedFormat(hints);
  if (hasPdfHeader(bytes)) return 'pdf';
  if (isZip(bytes)) {
    if (Buffer.from(bytes).includes('word/document.xml', 0, 'latin1') || hinted === 'docx') return 'docx';
    throw unsupportedFormat('a ZIP archive that is not a Word document (.docx)', fileName);
  }
  if (hinted === 'pdf') throw corruptDocument('PDF', fileName, new Error('no %PDF- header'));
  if (hinted === 'docx') throw corruptDocument('DOCX', fileName, new Error('not a ZIP package'));
  const binary = knownBinaries.find((candidate) => startsWith(bytes, candidate.magic));
  if (binary) throw unsupportedFormat(binary.name, fileName);
  if (looksBinary(bytes)) throw unsupportedFormat('binary data', fileName);
  return hinted ?? sniffText(bytes);
}

/** True when the start of `bytes` holds NUL bytes and no UTF-16 byte-order mark explains them. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return false;
  return bytes.subarray(0, 8192).includes(0);
}
