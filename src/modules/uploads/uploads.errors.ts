import { AppError, validationError } from '../../platform/errors/app-error.js';

/** 415: the request is not multipart/form-data (a JSON body, no body at all ...). */
export const uploadNotMultipart = () =>
  new AppError({
    code: 'UPLOAD_NOT_MULTIPART',
    category: 'unsupported_media_type',
    message: 'Send the file as multipart/form-data with a part named "file"',
  });

/** 400: the multipart body cannot be parsed (no boundary, cut short ...). */
export const uploadMalformed = (reason: string) =>
  new AppError({
    code: 'UPLOAD_MALFORMED',
    category: 'bad_request',
    message: `The multipart body cannot be read: ${reason}`,
  });

/** 413: more files, fields or parts than one upload may hold. */
export const uploadTooManyParts = (limits: { files: number; fields: number; parts: number }) =>
  new AppError({
    code: 'UPLOAD_TOO_MANY_PARTS',
    category: 'payload_too_large',
    message: `An upload holds at most ${limits.files} file, ${limits.fields} fields and ${limits.parts} parts`,
    details: { max_files: limits.files, max_fields: limits.fields, max_parts: limits.parts },
  });

/** 413: the file is larger than a workspace file may be; nothing was stored. */
export const uploadTooLarge = (maxBytes: number) =>
  new AppError({
    code: 'UPLOAD_TOO_LARGE',
    category: 'payload_too_large',
    message: `The file is larger than the limit of ${maxBytes} bytes; nothing was stored`,
    details: { max_bytes: maxBytes },
  });

/** 415: the extension is not an accepted type, or the content is not what the extension claims. */
export const uploadTypeNotAllowed = (name: string, why: string, allowed: readonly string[]) =>
  new AppError({
    code: 'UPLOAD_TYPE_NOT_ALLOWED',
    category: 'unsupported_media_type',
    message: `"${name}" cannot be uploaded: ${why}`,
    details: { name, allowed_extensions: [...allowed] },
  });

/** 422: the multipart body has no file part named "file". */
export const uploadFileMissing = () =>
  validationError([{ field: 'body.file', message: 'a file part named "file" is required' }], 'No file was uploaded');

/** 422: a multipart field that is too long or repeated. */
export const invalidUploadField = (field: string, message: string) =>
  validationError([{ field: `body.${field}`, message }], `Invalid field "${field}"`);

/** 422: the target folder breaks a workspace path rule or is a file. */
export const invalidUploadDirectory = (message: string) =>
  validationError([{ field: 'body.directory', message }], 'Invalid upload directory');

/** 422: the path to preview breaks a workspace path rule or is a folder. */
export const invalidPreviewPath = (message: string) =>
  validationError([{ field: 'query.path', message }], 'Invalid path');

/** 404: no file at the path in the caller's workspace (another user's files are never there). */
export const uploadNotFound = (path: string) =>
  new AppError({
    code: 'UPLOAD_NOT_FOUND',
    category: 'not_found',
    message: `No file at "${path}" in your workspace`,
    details: { path },
  });

/** 415: the file exists but holds no text to preview (an image, a binary file). */
export const uploadNotPreviewable = (path: string, what: string) =>
  new AppError({
    code: 'UPLOAD_NOT_PREVIEWABLE',
    category: 'unsupported_media_type',
    message: `"${path}" is ${what}; only documents (PDF, Word, text, Markdown, HTML, CSV, JSON) have a text preview`,
    details: { path },
  });

/** 409: every "name (n).ext" up to the limit is taken in that folder. */
export const uploadNameExhausted = (name: string, directory: string) =>
  new AppError({
    code: 'UPLOAD_NAME_TAKEN',
    category: 'conflict',
    message: `"${name}" and all its numbered variants are taken in "${directory || '.'}"; rename the file or pick another directory`,
    details: { name, directory },
  });
