import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import { streamRunEvents } from '../runs/run-stream.js';
import type { RunsService } from '../runs/runs.service.js';
import {
  createKnowledgeBaseSchema,
  knowledgeBasePageSchema,
  knowledgeBaseResponseSchema,
  listKnowledgeBasesQuerySchema,
  ragBodySchema,
  ragResponseSchema,
  searchBodySchema,
  searchResponseSchema,
  updateKnowledgeBaseSchema,
} from './knowledge-bases.schemas.js';
import type { KnowledgeBasesService } from './knowledge-bases.service.js';
import type { KnowledgeRag } from './knowledge-rag.js';
import type { KnowledgeSearch } from './knowledge-search.js';

const params = z.object({ kb_id: uuidSchema });
const tags = ['knowledge-bases'];

/** What the knowledge base routes need. */
export interface KnowledgeBasesRoutesOptions {
  service: KnowledgeBasesService;
  search: KnowledgeSearch;
  rag: KnowledgeRag;
  runs: RunsService;
}

function filterOf(filter: { document_ids?: string[] | undefined; metadata?: Record<string, unknown> | undefined } | undefined) {
  return filter ? { documentIds: filter.document_ids, metadata: filter.metadata } : undefined;
}

/** /api/v1/knowledge-bases: bases, their settings, search and RAG answers (documents: separate file). */
export const knowledgeBasesRoutes: FastifyPluginAsyncZod<KnowledgeBasesRoutesOptions> = async (app, options) => {
  const { service, search, rag, runs } = options;

  app.get(
    '',
    {
      schema: {
        summary: 'List knowledge bases',
        tags,
        querystring: listKnowledgeBasesQuerySchema,
        response: { 200: knowledgeBasePageSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Create a knowledge base',
        description:
          'Embedding model: a model config of kind embedding, null for the built-in local embedder, or absent for your default embedding model (else the local one).',
        tags,
        body: createKnowledgeBaseSchema,
        response: { 201: knowledgeBaseResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/:kb_id',
    {
      schema: {
        summary: 'Knowledge base details (settings, document and chunk counts)',
        tags,
        params,
        response: { 200: knowledgeBaseResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.kb_id),
  );

  app.put(
    '/:kb_id',
    {
      schema: {
        summary: 'Update a knowledge base; a new embedding model or chunking re-indexes every document',
        tags,
        params,
        body: updateKnowledgeBaseSchema,
        response: { 200: knowledgeBaseResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.kb_id, request.body),
  );

  app.delete(
    '/:kb_id',
    {
      schema: {
        summary: 'Delete a knowledge base with its documents and chunks',
        tags,
        params,
        response: { 204: z.null(), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.kb_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:kb_id/search',
    {
      schema: {
        summary: 'Semantic search: hybrid vector and keyword retrieval, optional rerank',
        tags,
        params,
        body: searchBodySchema,
        response: { 200: searchResponseSchema, ...errorResponses(401, 404, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const base = await service.require(actor, request.params.kb_id);
      const { body } = request;
      const result = await search.retrieve([base], {
        query: body.query,
        topK: body.top_k,
        scoreThreshold: body.score_threshold,
        hybridWeight: body.hybrid_weight,
        rerank: body.rerank,
        filter: filterOf(body.filter),
        signal: callerGone(reply),
      });
      return { query: body.query, items: result.hits, reranked: result.reranked };
    },
  );

  app.post(
    '/:kb_id/rag',
    {
      schema: {
        summary: 'RAG: retrieve, then answer with citations (stream: true for SSE)',
        description:
          'Streamed as SSE: `retrieval` (the numbered sources), `token` ..., then `done` with answer, citations and token_usage, or `error`. Every answer is a run (X-Run-Id): re-attach with GET /runs/{id}/events.',
        tags,
        params,
        body: ragBodySchema,
        response: { 200: ragResponseSchema, ...errorResponses(401, 404, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const base = await service.require(actor, request.params.kb_id);
      const { body } = request;
      if (body.stream) {
        const run = await rag.start(actor, base, body, { stream: true });
        return streamRunEvents({ runs, actor, runId: run.id, reply });
      }
      const run = await rag.start(actor, base, body, { stream: false, signal: callerGone(reply) });
      const settled = await run.settled;
      if (settled.error) throw settled.error;
      return { ...(settled.output as Omit<z.infer<typeof ragResponseSchema>, 'run_id'>), run_id: run.id };
    },
  );
};
