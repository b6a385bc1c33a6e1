import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { allowedExtensions } from './upload-files.js';
import { acceptUploadForms, readUploadForm } from './upload-form.js';
import { previewQuerySchema, previewResponseSchema, uploadResponseSchema } from './uploads.schemas.js';
import { DEFAULT_UPLOAD_DIRECTORY, type UploadsService } from './uploads.service.js';

const tags = ['uploads'];

/** /api/v1/uploads: files into the caller's workspace, and the text preview of workspace documents. */
export const uploadsRoutes: FastifyPluginAsyncZod<{ service: UploadsService }> = async (app, { service }) => {
  await acceptUploadForms(app, service.maxFileBytes);

  app.post(
    '',
    {
      schema: {
        summary: 'Upload a file to your workspace',
        description:
          'multipart/form-data with one file part `file` and an optional field `directory` (a workspace folder, ' +
          `default \`${DEFAULT_UPLOAD_DIRECTORY}\`). The client file name is cleaned (last path segment, no control ` +
          'characters, at most 200 characters; empty becomes `upload`); a taken name becomes `name (1).ext`, ' +
          `\`name (2).ext\` ... Accepted extensions: ${allowedExtensions.join(', ')}; the content must match the ` +
          'extension (a PDF header, a Word ZIP package, UTF-8 text, an image signature), otherwise 415. A file over ' +
          `the workspace's largest file (${service.maxFileBytes} bytes here) answers 413 UPLOAD_TOO_LARGE and nothing is ` +
          'stored; a full workspace answers 413 WORKSPACE_QUOTA_EXCEEDED. A body that is not multipart answers 415.',
        tags,
        consumes: ['multipart/form-data'],
        response: { 201: uploadResponseSchema, ...errorResponses(400, 401, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const form = await readUploadForm(request, service.maxFileBytes);
      return reply.status(201).send(await service.upload(actorOf(request), form));
    },
  );

  app.get(
    '/preview',
    {
      schema: {
        summary: 'Preview the text of a document in your workspace',
        description:
          'Extracts the readable text of a workspace file (PDF, Word, text, Markdown, HTML, CSV, JSON) and returns ' +
          'its first `max_chars` characters with the file facts. Images and other binary files answer 415, ' +
          'damaged documents 422, a path with no file 404.',
        tags,
        querystring: previewQuerySchema,
        response: { 200: previewResponseSchema, ...errorResponses(401, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => service.preview(actorOf(request), request.query, callerGone(reply)),
  );
};
