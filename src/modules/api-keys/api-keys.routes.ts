import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import {
  apiKeyPageSchema,
  apiKeyResponseSchema,
  createApiKeySchema,
  createdApiKeySchema,
  listApiKeysQuerySchema,
} from './api-keys.schemas.js';
import type { ApiKeysService } from './api-keys.service.js';

const tags = ['api-keys'];
const params = z.object({ key_id: uuidSchema });

/** /api/v1/api-keys: keys for the OpenAI-compatible face (/v1/*), scoped to agents. */
export const apiKeysRoutes: FastifyPluginAsyncZod<{ service: ApiKeysService }> = async (app, { service }) => {
  app.post(
    '',
    {
      schema: {
        summary: 'Create an API key (the key is in this answer only)',
        description:
          'The key (`tg-` + 43 characters) is shown once and stored only as its SHA-256. Without agent_ids it may use every agent you own; ' +
          "another user's agent in agent_ids answers 404, a past expires_at 422.",
        tags,
        body: createApiKeySchema,
        response: { 201: createdApiKeySchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '',
    {
      schema: {
        summary: 'List your API keys, newest first (never the keys themselves)',
        tags,
        querystring: listApiKeysQuerySchema,
        response: { 200: apiKeyPageSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.get(
    '/:key_id',
    { schema: { summary: 'Get an API key (never the key itself)', tags, params, response: { 200: apiKeyResponseSchema, ...errorResponses(401, 404, 422) } } },
    async (request) => service.get(actorOf(request), request.params.key_id),
  );

  app.post(
    '/:key_id/revoke',
    {
      schema: {
        summary: 'Revoke an API key: refused (401) from now on; it stays listed as revoked',
        tags,
        params,
        response: { 200: apiKeyResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.revoke(actorOf(request), request.params.key_id),
  );
};
