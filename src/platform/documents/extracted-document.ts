import type { DocumentFormat } from './document-format.js';

/** A heading found in a document, in reading order. */
export interface DocumentHeading {
  /** 1 for a title-level heading, up to 6. */
  level: number;
  text: string;
}

/** Facts about a document: title, author, encoding, counts ... (JSON-safe scalars only). */
export type DocumentMetadata = Record<string, string | number | boolean>;

/** Text extracted from a document, in the same shape whatever the format. */
export interface ExtractedDocument {
  /** Readable text: pages separated by a blank line, HTML as Markdown, CSV rows as "a | b" lines. */
  text: string;
  format: DocumentFormat;
  /** PDF only: number of pages. */
  pages?: number;
  /** PDF only: the text of each page, in order. */
  pageTexts?: string[];
  /** CSV only: the parsed rows, the header row included. */
  rows?: string[][];
  /** DOCX, HTML and Markdown: the headings, in order. */
  headings?: DocumentHeading[];
  metadata: DocumentMetadata;
}

/** The document to read. */
export interface ExtractTextInput {
  bytes: Uint8Array;
  /** The file name, whose extension helps detect the format. */
  fileName?: string;
  /** The declared MIME type, another hint. */
  mimeType?: string;
}

/** Limits of one extraction. */
export interface ExtractTextOptions {
  /** Refuse documents larger than this many bytes (default 20 MiB). */
  maxBytes?: number;
  /** Give up after this many milliseconds (default 60 000). */
  timeoutMs?: number;
  /** Stops the extraction early, e.g. when the caller left. */
  signal?: AbortSignal;
}

/** The extraction function, as services and tools depend on it. */
export type TextExtractor = (input: ExtractTextInput, options?: ExtractTextOptions) => Promise<ExtractedDocument>;

/** What a format-specific extractor receives besides the bytes. */
export interface ExtractionContext {
  fileName?: string;
  /** Throws when the deadline passed or the signal fired; long extractors call it between steps. */
  checkpoint(): void;
}
