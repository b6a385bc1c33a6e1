import { z } from 'zod';

/** The document formats text is extracted from, as `format` names them. */
const documentFormatSchema = z
  .enum(['pdf', 'docx', 'csv', 'txt', 'markdown', 'html', 'json'])
  .describe('Document format as text extraction reads it');

/** Largest `max_chars` of a preview. */
export const MAX_PREVIEW_CHARACTERS = 100_000;

/** GET /uploads/preview query. */
export const previewQuerySchema = z.object({
  path: z
    .string()
    .min(1)
    .max(1024)
    .describe('Workspace path of the file, as an upload answered it (e.g. uploads/report.pdf)'),
  max_chars: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PREVIEW_CHARACTERS)
    .default(5000)
    .describe(`Return at most this many characters of text (1-${MAX_PREVIEW_CHARACTERS})`),
});

/** A stored upload, as POST /uploads answers. */
export const uploadResponseSchema = z
  .object({
    path: z.string().describe('Workspace path of the stored file; pass it to preview or to a knowledge base'),
    name: z.string().describe('File name as stored: sanitised, with " (n)" added when the name was taken'),
    size: z.number().int().min(0).describe('Bytes'),
    mime_type: z.string().describe('MIME type decided from the extension and the content, not from the client'),
    format: documentFormatSchema.nullable().describe('Document format; null for images'),
    created_at: z.iso.datetime(),
  })
  .describe('Upload');

/** A workspace file with (part of) its extracted text, as GET /uploads/preview answers. */
export const previewResponseSchema = z
  .object({
    path: z.string(),
    name: z.string(),
    size: z.number().int().min(0).describe('Bytes'),
    format: documentFormatSchema,
    mime_type: z.string(),
    text: z.string().describe('The first max_chars characters of the readable text'),
    truncated: z.boolean().describe('True when the text goes on past max_chars'),
    characters: z.number().int().min(0).describe('Length of the whole text, in characters'),
    pages: z.number().int().min(0).nullable().describe('PDF: number of pages; null for other formats'),
    metadata: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .describe('Facts the reader found: title, author, encoding, counts ...'),
    modified_at: z.iso.datetime(),
  })
  .describe('UploadPreview');

export type PreviewQuery = z.output<typeof previewQuerySchema>;
export type UploadResponse = z.output<typeof uploadResponseSchema>;
export type PreviewResponse = z.output<typeof previewResponseSchema>;
