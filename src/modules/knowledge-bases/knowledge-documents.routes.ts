import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import {
  createDocumentSchema,
  documentPageSchema,
  documentResponseSchema,
  listDocumentsQuerySchema,
} from './knowledge-bases.schemas.js';
import type { KnowledgeDocumentsService } from './knowledge-documents.service.js';

const baseParams = z.object({ kb_id: uuidSchema });
const documentParams = z.object({ kb_id: uuidSchema, doc_id: uuidSchema });
const tags = ['knowledge-bases'];

/** /api/v1/knowledge-bases/{kb_id}/documents: what a base holds and where each ingestion stands. */
export const knowledgeDocumentsRoutes: FastifyPluginAsyncZod<{ service: KnowledgeDocumentsService }> = async (app, { service }) => {
  app.get(
    '/:kb_id/documents',
    {
      schema: {
        summary: 'List documents with their ingestion state and progress',
        tags,
        params: baseParams,
        querystring: listDocumentsQuerySchema,
        response: { 200: documentPageSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.params.kb_id, request.query),
  );

  app.post(
    '/:kb_id/documents',
    {
      schema: {
        summary: 'Add a document (an upload, raw text or a URL); it is ingested in the background',
        description:
          'Answers 202 with the document in state `pending`; poll it (or the list) to watch pending -> parsing -> chunking -> embedding -> indexed, or failed with the error. Upload files first with POST /uploads.',
        tags,
        params: baseParams,
        body: createDocumentSchema,
        response: { 202: documentResponseSchema, ...errorResponses(401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => reply.status(202).send(await service.add(actorOf(request), request.params.kb_id, request.body)),
  );

  app.get(
    '/:kb_id/documents/:doc_id',
    {
      schema: {
        summary: 'A document: state, progress, error',
        tags,
        params: documentParams,
        response: { 200: documentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.kb_id, request.params.doc_id),
  );

  app.post(
    '/:kb_id/documents/:doc_id/reindex',
    {
      schema: {
        summary: 'Ingest a document again (after a failure, or to refresh it)',
        tags,
        params: documentParams,
        response: { 202: documentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service.reindex(actorOf(request), request.params.kb_id, request.params.doc_id)),
  );

  app.delete(
    '/:kb_id/documents/:doc_id',
    {
      schema: {
        summary: 'Delete a document and its chunks',
        tags,
        params: documentParams,
        response: { 204: z.null(), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.kb_id, request.params.doc_id);
      return reply.status(204).send(null);
    },
  );
};
