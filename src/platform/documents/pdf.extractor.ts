import { corruptDocument, unsupportedFormat } from './documents.errors.js';
import type { DocumentMetadata, ExtractedDocument, ExtractionContext } from './extracted-document.js';

interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
}

interface PdfDocumentLike {
  numPages: number;
  getPage(pageNumber: number): Promise<{ getTextContent(): Promise<{ items: TextItemLike[] }>; cleanup(): unknown }>;
  getMetadata(): Promise<{ info: unknown }>;
  destroy(): Promise<void>;
}

const infoFields: Record<string, string> = {
  Title: 'title',
  Author: 'author',
  Subject: 'subject',
  Creator: 'creator',
  Producer: 'producer',
  PDFFormatVersion: 'pdfVersion',
};

async function openPdf(bytes: Uint8Array, context: ExtractionContext): Promise<PdfDocumentLike> {
  // pdf.js is large: load it on the first PDF, not at start-up.
  const { getDocumentProxy } = await import('unpdf');
  try {
    // pdf.js refuses Node Buffers and may take ownership of the array, so it gets a copy.
    return (await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 })) as unknown as PdfDocumentLike;
  } catch (error) {
    if ((error as Error | undefined)?.name === 'PasswordException') {
      throw unsupportedFormat('a password-protected PDF', context.fileName);
    }
    throw corruptDocument('PDF', context.fileName, error);
  }
}

async function readMetadata(document: PdfDocumentLike): Promise<DocumentMetadata> {
  const metadata: DocumentMetadata = {};
  try {
    const info = (await document.getMetadata()).info as Record<string, unknown>;
    for (const [field, key] of Object.entries(infoFields)) {
      const value = info[field];
      if (typeof value === 'string' && value.trim() !== '') metadata[key] = value.trim();
    }
  } catch {
    // A broken information dictionary does not make the text unreadable.
  }
  return metadata;
}

async function pageText(document: PdfDocumentLike, pageNumber: number): Promise<string> {
  const page = await document.getPage(pageNumber);
  const content = await page.getTextContent();
  page.cleanup();
  return content.items
    .filter((item) => typeof item.str === 'string')
    .map((item) => item.str + (item.hasEOL ? '\n' : ''))
    .join('')
    .replace(/[^\S\n]+\n/g, '\n')
    .trim();
}

/** Extracts the text of every page with pdf.js (through unpdf), checking the deadline between pages. */
export async function extractPdf(bytes: Uint8Array, context: ExtractionContext): Promise<ExtractedDocument> {
  const document = await openPdf(bytes, context);
  try {
    const pageTexts: string[] = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber++) {
      context.checkpoint();
      try {
        pageTexts.push(await pageText(document, pageNumber));
      } catch (error) {
        throw corruptDocument('PDF', context.fileName, error);
      }
    }
    const metadata = await readMetadata(document);
    return { text: pageTexts.join('\n\n'), format: 'pdf', pages: document.numPages, pageTexts, metadata };
  } finally {
    await document.destroy();
  }
}
