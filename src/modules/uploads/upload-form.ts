import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import {
  invalidUploadField,
  uploadFileMissing,
  uploadMalformed,
  uploadNotMultipart,
  uploadTooLarge,
  uploadTooManyParts,
} from './uploads.errors.js';
import type { UploadInput } from './uploads.service.js';

/** One file and a few fields: anything more is not an upload form. */
const partLimits = { files: 1, fields: 10, parts: 12 };
// A folder path is at most 1024 characters, which is at most 4 KiB of UTF-8.
const MAX_FIELD_BYTES = 4096;

/** Turns what the multipart reader threw into the module's errors; parser failures are the body's fault. */
function multipartFailure(error: unknown, maxFileBytes: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return uploadTooLarge(maxFileBytes);
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return uploadTooManyParts(partLimits);
  return uploadMalformed(error instanceof Error ? error.message : String(error));
}

/**
 * Reads the upload form: the `file` part into memory (the multipart limit stops it at the
 * workspace's largest file, so a file over it is refused before anything is stored) and the
 * optional `directory` field, in whichever order they come. Other fields are ignored.
 */
export async function readUploadForm(request: FastifyRequest, maxFileBytes: number): Promise<UploadInput> {
  if (!request.isMultipart()) throw uploadNotMultipart();
  let file: { fieldName: string; fileName: string; mimeType: string; bytes: Buffer } | undefined;
  let directory: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // Read it whatever its name: busboy only moves on once the part is consumed.
        file = { fieldName: part.fieldname, fileName: part.filename, mimeType: part.mimetype, bytes: await part.toBuffer() };
      } else if (part.fieldname === 'directory') {
        if (part.valueTruncated) throw invalidUploadField('directory', `longer than ${MAX_FIELD_BYTES} bytes`);
        if (directory !== undefined) throw invalidUploadField('directory', 'given more than once');
        directory = String(part.value);
      }
    }
  } catch (error) {
    throw multipartFailure(error, maxFileBytes);
  }
  if (file === undefined) throw uploadFileMissing();
  if (file.fieldName !== 'file') {
    throw invalidUploadField('file', `the file part must be named "file", not "${file.fieldName}"`);
  }
  return { fileName: file.fileName, mimeType: file.mimeType, bytes: file.bytes, ...(directory === undefined ? {} : { directory }) };
}

/**
 * Lets the routes of this plugin (and only them: call it inside the plugin) read upload forms,
 * with the file size capped at `maxFileBytes`.
 */
export async function acceptUploadForms(app: FastifyInstance, maxFileBytes: number): Promise<void> {
  await app.register(multipart, { limits: { fileSize: maxFileBytes, fieldSize: MAX_FIELD_BYTES, ...partLimits } });
}
