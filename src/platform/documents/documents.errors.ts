import { AppError, type ErrorCategory } from '../errors/app-error.js';

/** Why text could not be extracted from a document. */
export type DocumentErrorReason = 'unsupported_format' | 'corrupt' | 'too_large' | 'timeout';

const categories: Record<DocumentErrorReason, ErrorCategory> = {
  unsupported_format: 'unsupported_media_type',
  corrupt: 'validation',
  too_large: 'payload_too_large',
  timeout: 'validation',
};

/** A document that cannot be read; `code` is `DOCUMENT_<REASON>` and the category maps to a 4xx. */
export class DocumentError extends AppError {
  readonly reason: DocumentErrorReason;

  constructor(options: { reason: DocumentErrorReason; message: string; fileName?: string; cause?: unknown }) {
    super({
      code: `DOCUMENT_${options.reason.toUpperCase()}`,
      category: categories[options.reason],
      message: options.message,
      details: { reason: options.reason, ...(options.fileName === undefined ? {} : { fileName: options.fileName }) },
      cause: options.cause,
    });
    this.reason = options.reason;
  }
}

/** True when `value` is a DocumentError, optionally of the given reason. */
export function isDocumentError(value: unknown, reason?: DocumentErrorReason): value is DocumentError {
  return value instanceof DocumentError && (reason === undefined || value.reason === reason);
}

/** The bytes are of a kind no extractor reads (an image, a spreadsheet, an executable ...). */
export function unsupportedFormat(what: string, fileName?: string): DocumentError {
  return new DocumentError({ reason: 'unsupported_format', message: `Unsupported document format: ${what}`, fileName });
}

/** The bytes claim a format but cannot be parsed as it. */
export function corruptDocument(format: string, fileName: string | undefined, cause?: unknown): DocumentError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  const name = fileName === undefined ? 'The document' : `"${fileName}"`;
  return new DocumentError({
    reason: 'corrupt',
    message: `${name} is not a readable ${format} file${detail}`,
    fileName,
    cause,
  });
}
