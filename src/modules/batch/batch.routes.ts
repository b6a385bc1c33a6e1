import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { batchDeleteResponseSchema, batchExecuteBodySchema, batchExecuteResponseSchema, batchExportResponseSchema, batchIdsBodySchema } from './batch.schemas.js';
import type { BatchService } from './batch.service.js';

const tags = ['batch'];

/** /api/v1/batch: execute a workflow over many inputs, export or delete many workflows or agents. */
export const batchRoutes: FastifyPluginAsyncZod<{ service: BatchService }> = async (app, { service }) => {
  app.post(
    '/execute',
    {
      schema: {
        summary: 'Execute a workflow once per input, a few at a time',
        description:
          'Every input is checked against the start node first: one bad input answers 422 (fields body.inputs.N) and nothing starts. ' +
          'Then each execution is stored as pending (trigger "batch") and they run `concurrency` at a time; watch each with GET /executions/{id}.',
        tags,
        body: batchExecuteBodySchema,
        response: { 202: batchExecuteResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(202).send(await service.execute(actorOf(request), request.body)),
  );

  app.post(
    '/export',
    {
      schema: {
        summary: 'Export many workflows or agents in one bundle',
        tags,
        body: batchIdsBodySchema,
        response: { 200: batchExportResponseSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.export(actorOf(request), request.body.resource, request.body.ids),
  );

  app.post(
    '/delete',
    {
      schema: {
        summary: 'Delete many workflows or agents',
        description: 'Ids that are not yours are listed in not_found; the others are deleted.',
        tags,
        body: batchIdsBodySchema,
        response: { 200: batchDeleteResponseSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.delete(actorOf(request), request.body.resource, request.body.ids),
  );
};
