import { detectDocumentFormat, type DocumentFormat } from '../../platform/documents/document-format.js';
import { isDocumentError } from '../../platform/documents/documents.errors.js';
import { decodeText } from '../../platform/documents/text-decoding.js';

/** Longest stored file name, in characters (the " (n)" of a taken name included). */
export const MAX_NAME_CHARACTERS = 200;
// Workspace names may take 255 UTF-8 bytes; CJK names reach that long before 200 characters.
const MAX_NAME_BYTES = 240;
/** The name of an upload whose client name is empty once cleaned. */
export const FALLBACK_NAME = 'upload';

/** What an accepted upload is, decided from its extension and confirmed by its content. */
export interface UploadType {
  mimeType: string;
  /** The document format text is extracted as; null for images. */
  format: DocumentFormat | null;
}

/** The MIME type each document format is answered with, whatever the client declared. */
export const mimeTypeOfFormat: Readonly<Record<DocumentFormat, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  txt: 'text/plain',
  markdown: 'text/markdown',
  html: 'text/html',
  json: 'application/json',
};

const documentExtensions: Readonly<Record<string, DocumentFormat>> = {
  pdf: 'pdf',
  docx: 'docx',
  txt: 'txt',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  csv: 'csv',
  json: 'json',
};

interface ImageType {
  mimeType: string;
  label: string;
  matches(bytes: Buffer): boolean;
}

const png: ImageType = {
  mimeType: 'image/png',
  label: 'a PNG image',
  matches: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
};
const jpeg: ImageType = {
  mimeType: 'image/jpeg',
  label: 'a JPEG image',
  matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
};
const gif: ImageType = {
  mimeType: 'image/gif',
  label: 'a GIF image',
  matches: (bytes) => ['GIF87a', 'GIF89a'].includes(bytes.toString('latin1', 0, 6)),
};
const webp: ImageType = {
  mimeType: 'image/webp',
  label: 'a WebP image',
  matches: (bytes) => bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP',
};
const imageExtensions: Readonly<Record<string, ImageType>> = { png, jpg: jpeg, jpeg, gif, webp };

/** Every extension an upload may have, for error details and docs. */
export const allowedExtensions: readonly string[] = [...Object.keys(documentExtensions), ...Object.keys(imageExtensions)];

/** The lower-case extension of a file name, or null ("notes.MD" -> "md"; ".env" and "README" have none). */
export function extensionOf(name: string): string | null {
  const match = /.\.([A-Za-z0-9]{1,16})$/.exec(name);
  return match ? match[1]!.toLowerCase() : null;
}

/** The image type a file is, by extension or by content; null when it is not one of the accepted images. */
export function imageTypeOf(name: string, bytes?: Uint8Array): ImageType | null {
  const byName = imageExtensions[extensionOf(name) ?? ''];
  if (byName) return byName;
  if (!bytes) return null;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [png, jpeg, gif, webp].find((image) => image.matches(buffer)) ?? null;
}

/** Why `bytes` are not a `format` document, or null when they are. */
function documentMismatch(bytes: Buffer, name: string, format: DocumentFormat): string | null {
  let detected: DocumentFormat;
  try {
    detected = detectDocumentFormat({ bytes, fileName: name });
  } catch (error) {
    // The detector's own words ("no %PDF- header", "an executable") say best what the bytes are.
    if (isDocumentError(error)) return error.message;
    throw error;
  }
  if (detected !== format) return `the content is ${detected.toUpperCase()}, not what the .${extensionOf(name)} extension says`;
  if (format === 'docx' && !bytes.includes('word/document.xml', 0, 'latin1')) {
    return 'it is a ZIP archive but not a Word document (no word/document.xml)';
  }
  if (format !== 'pdf' && format !== 'docx' && decodeText(bytes).encoding.endsWith('(lossy)')) {
    return 'it is not valid UTF-8 text; save it as UTF-8 and upload it again';
  }
  return null;
}

/**
 * Decides what an upload is. Steps: the extension must be an accepted one; then the content must
 * agree with it: images by their signature, PDF and DOCX by the document detector (a `%PDF-`
 * header; a ZIP holding word/document.xml), text formats must be text (no binary signature, no NUL
 * bytes) in valid UTF-8 or UTF-16 with a byte-order mark. Returns the type, or why it is refused.
 */
export function classifyUpload(name: string, bytes: Uint8Array): { type: UploadType } | { refused: string } {
  const extension = extensionOf(name);
  if (extension === null) return { refused: 'it has no file extension' };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const image = imageExtensions[extension];
  if (image) {
    return image.matches(buffer) ? { type: { mimeType: image.mimeType, format: null } } : { refused: `it is not ${image.label}` };
  }
  const format = documentExtensions[extension];
  if (!format) return { refused: `.${extension} files are not accepted` };
  const mismatch = documentMismatch(buffer, name, format);
  return mismatch === null ? { type: { mimeType: mimeTypeOfFormat[format], format } } : { refused: mismatch };
}

/** The extension a client's MIME type stands for, when it is an accepted one. */
function extensionForMimeType(mimeType: string | undefined): string | null {
  const bare = mimeType?.split(';')[0]?.trim().toLowerCase();
  if (!bare) return null;
  const format = (Object.keys(mimeTypeOfFormat) as DocumentFormat[]).find((candidate) => mimeTypeOfFormat[candidate] === bare);
  if (format) return Object.keys(documentExtensions).find((extension) => documentExtensions[extension] === format) ?? null;
  return Object.keys(imageExtensions).find((extension) => imageExtensions[extension]!.mimeType === bare) ?? null;
}

function fitsLimits(name: string): boolean {
  return [...name].length <= MAX_NAME_CHARACTERS && Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES;
}

/** Splits "report.final.pdf" into "report.final" and ".pdf"; a name without extension has "". */
function splitExtension(name: string): { stem: string; extension: string } {
  const extension = extensionOf(name);
  if (extension === null) return { stem: name, extension: '' };
  return { stem: name.slice(0, name.length - extension.length - 1), extension: name.slice(name.length - extension.length - 1) };
}

/** `stem` + `suffix` + `extension`, the stem cut (by whole code points) until the name fits the limits. */
function fitName(stem: string, suffix: string, extension: string): string {
  const points = [...stem];
  while (points.length > 1 && !fitsLimits(points.join('').trimEnd() + suffix + extension)) points.pop();
  return points.join('').trimEnd() + suffix + extension;
}

// C0 and C1 controls and DEL, plus the bidirectional marks and overrides that can make
// "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const unwantedCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name an upload is stored under. Steps: keep only the last segment of a client path (either
 * slash); drop control and bidirectional characters; NFC; trim spaces; an empty name, "." or ".."
 * becomes "upload"; a name without extension takes the one of an accepted declared MIME type;
 * the stem is shortened so the name fits 200 characters (and the workspace's byte limit).
 */
export function sanitiseFileName(clientName: string, mimeType?: string): string {
  const lastSegment = clientName.split(/[/\\]/).pop() ?? '';
  let name = lastSegment.replace(unwantedCharacters, '').normalize('NFC').trim();
  if (name === '' || name === '.' || name === '..') name = FALLBACK_NAME;
  const declared = extensionOf(name) === null ? extensionForMimeType(mimeType) : null;
  if (declared !== null) name = `${name}.${declared}`;
  const { stem, extension } = splitExtension(name);
  return fitName(stem, '', extension);
}

/** The n-th alternative of a taken name: "report.pdf" -> "report (2).pdf". */
export function numberedName(name: string, counter: number): string {
  const { stem, extension } = splitExtension(name);
  return fitName(stem, ` (${counter})`, extension);
}
