import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema, uuidSchema } from '../../platform/http/schemas.js';
import {
  createModelConfigSchema,
  listModelConfigsQuerySchema,
  modelConfigResponseSchema,
  modelTestResultSchema,
  updateModelConfigSchema,
} from './model-configs.schemas.js';
import type { ModelConfigsService } from './model-configs.service.js';

const params = z.object({ config_id: uuidSchema });
const tags = ['model-configs'];

/** /api/v1/model-configs: the caller's model endpoints (list, create, get, update, delete, test). */
export const modelConfigsRoutes: FastifyPluginAsyncZod<{ service: ModelConfigsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List model configs',
        tags,
        querystring: listModelConfigsQuerySchema,
        response: { 200: pageSchema(modelConfigResponseSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Register a model endpoint',
        description: 'The api_key is encrypted at rest and only ever returned masked.',
        tags,
        body: createModelConfigSchema,
        response: { 201: modelConfigResponseSchema, ...errorResponses(401, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/:config_id',
    {
      schema: {
        summary: 'Get a model config',
        tags,
        params,
        response: { 200: modelConfigResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.config_id),
  );

  app.put(
    '/:config_id',
    {
      schema: {
        summary: 'Update a model config (any subset of fields; api_key null removes the key)',
        tags,
        params,
        body: updateModelConfigSchema,
        response: { 200: modelConfigResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.config_id, request.body),
  );

  app.delete(
    '/:config_id',
    {
      schema: {
        summary: 'Delete a model config (it is also removed from fallback lists)',
        tags,
        params,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.config_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:config_id/test',
    {
      schema: {
        summary: 'Test a model config with one minimal real call',
        description: 'Answers 200 either way: ok tells whether the call worked, error says why not.',
        tags,
        params,
        response: { 200: modelTestResultSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.test(actorOf(request), request.params.config_id),
  );
};
