import { AppError, notFound } from '../../platform/errors/app-error.js';

/** 404: a knowledge base that does not exist or is someone else's. */
export const knowledgeBaseNotFound = (id: string) => notFound('KNOWLEDGE_BASE_NOT_FOUND', 'Knowledge base', id);

/** 404: a document that is not in this knowledge base. */
export const documentNotFound = (id: string) => notFound('DOCUMENT_NOT_FOUND', 'Document', id);

/** 409: the owner already has a knowledge base with this name. */
export const knowledgeBaseNameTaken = (name: string) =>
  new AppError({
    code: 'KNOWLEDGE_BASE_NAME_TAKEN',
    category: 'conflict',
    message: `You already have a knowledge base named "${name}"`,
    details: { name },
  });

/** 422: an uploaded file to ingest that is not in the caller's workspace. */
export const uploadNotFound = (path: string) =>
  new AppError({
    code: 'UPLOAD_NOT_FOUND',
    category: 'validation',
    message: `No uploaded file at "${path}" in your workspace`,
    details: { fields: [{ field: 'path', message: 'not found in your workspace' }], path },
  });

/** 413: a document source larger than ingestion accepts. */
export const documentTooLarge = (maxBytes: number) =>
  new AppError({
    code: 'DOCUMENT_TOO_LARGE',
    category: 'payload_too_large',
    message: `The document is larger than ${maxBytes} bytes`,
    details: { max_bytes: maxBytes },
  });

/** 415: a file whose format ingestion cannot read. */
export const documentTypeNotSupported = (name: string) =>
  new AppError({
    code: 'DOCUMENT_TYPE_NOT_SUPPORTED',
    category: 'unsupported_media_type',
    message: `"${name}" is not a supported document (PDF, DOCX, TXT, Markdown, HTML, CSV or JSON)`,
    details: { name },
  });

/** 422: chunking settings whose overlap is not smaller than the chunk size. */
export const invalidChunking = () =>
  new AppError({
    code: 'VALIDATION_ERROR',
    category: 'validation',
    message: 'chunk_overlap must be smaller than chunk_size',
    details: { fields: [{ field: 'chunking.chunk_overlap', message: 'must be smaller than chunk_size' }] },
  });
