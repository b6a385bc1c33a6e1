import { extractCsv } from './csv.extractor.js';
import { detectDocumentFormat, type DocumentFormat } from './document-format.js';
import { DocumentError } from './documents.errors.js';
import { withDeadline } from './deadline.js';
import { extractDocx } from './docx.extractor.js';
import type {
  ExtractedDocument,
  ExtractionContext,
  ExtractTextInput,
  ExtractTextOptions,
} from './extracted-document.js';
import { extractHtml } from './html.extractor.js';
import { extractPdf } from './pdf.extractor.js';
import { extractJson, extractMarkdown, extractPlainText } from './text.extractors.js';

/** 20 MiB: the default largest document. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** One minute: the default time limit of one extraction. */
export const DEFAULT_EXTRACTION_TIMEOUT_MS = 60_000;

type Extractor = (bytes: Uint8Array, context: ExtractionContext) => Promise<ExtractedDocument>;

const extractors: Record<DocumentFormat, Extractor> = {
  pdf: extractPdf,
  docx: extractDocx,
  csv: extractCsv,
  txt: extractPlainText,
  markdown: extractMarkdown,
  html: extractHtml,
  json: extractJson,
};

/**
 * Extracts readable text from a document. Steps: refuse documents over the size cap
 * (`too_large`); detect the format from magic bytes, then the file name and MIME type
 * (`unsupported_format`, or `corrupt` when a PDF or DOCX lacks its signature); run that format's
 * extractor within the time limit (`timeout`); parsers that fail report `corrupt`.
 */
export async function extractText(input: ExtractTextInput, options: ExtractTextOptions = {}): Promise<ExtractedDocument> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const { bytes, fileName } = input;
  if (bytes.byteLength > maxBytes) {
    throw new DocumentError({
      reason: 'too_large',
      message: `The document is ${bytes.byteLength} bytes; the limit for text extraction is ${maxBytes} bytes`,
      fileName,
    });
  }
  const format = detectDocumentFormat(input);
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXTRACTION_TIMEOUT_MS;
  const document = await withDeadline((checkpoint) => extractors[format](bytes, { fileName, checkpoint }), {
    timeoutMs,
    signal: options.signal,
    fileName,
  });
  return { ...document, metadata: { ...document.metadata, bytes: bytes.byteLength, characters: document.text.length } };
}
