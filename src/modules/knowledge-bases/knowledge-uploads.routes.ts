import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hintedFormat } from '../../platform/documents/document-format.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import { acceptUploadForms, readUploadForm } from '../uploads/upload-form.js';
import type { UploadsService } from '../uploads/uploads.service.js';
import { documentTypeNotSupported } from './knowledge-bases.errors.js';
import { documentResponseSchema } from './knowledge-bases.schemas.js';
import type { KnowledgeBasesService } from './knowledge-bases.service.js';
import type { KnowledgeDocumentsService } from './knowledge-documents.service.js';

/** What the one-call upload needs. */
export interface KnowledgeUploadsRoutesOptions {
  bases: KnowledgeBasesService;
  documents: KnowledgeDocumentsService;
  uploads: UploadsService;
}

/** POST /api/v1/knowledge-bases/{kb_id}/documents/upload: upload a file and add it as a document in one call. */
export const knowledgeUploadsRoutes: FastifyPluginAsyncZod<KnowledgeUploadsRoutesOptions> = async (app, options) => {
  const { bases, documents, uploads } = options;
  await acceptUploadForms(app, uploads.maxFileBytes);

  app.post(
    '/:kb_id/documents/upload',
    {
      schema: {
        summary: 'Upload a file and add it to the knowledge base (one call)',
        description:
          'multipart/form-data with one file part `file`, as POST /uploads takes it (same types, limits and 413/415 ' +
          'answers). The file is kept in your workspace under `knowledge/<kb_id>/` and added as a document; the answer ' +
          'is 202 with the document `pending`, as for POST .../documents.',
        tags: ['knowledge-bases'],
        params: z.object({ kb_id: uuidSchema }),
        consumes: ['multipart/form-data'],
        response: { 202: documentResponseSchema, ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { kb_id: baseId } = request.params;
      // The base is checked first, so a foreign or missing base stores no file.
      await bases.require(actor, baseId);
      const form = await readUploadForm(request, uploads.maxFileBytes);
      // Refused before it is stored (by its extension): an image is a fine upload but not a document.
      if (hintedFormat({ fileName: form.fileName }) === null) throw documentTypeNotSupported(form.fileName);
      const stored = await uploads.upload(actor, { ...form, directory: `knowledge/${baseId}` });
      return reply.status(202).send(await documents.add(actor, baseId, { source: 'upload', path: stored.path, metadata: {} }));
    },
  );
};
