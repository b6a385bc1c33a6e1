import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema, uuidSchema } from '../../platform/http/schemas.js';
import {
  agentExportSchema,
  agentResponseSchema,
  agentVersionSchema,
  createAgentSchema,
  listAgentsQuerySchema,
  updateAgentSchema,
} from './agents.schemas.js';
import type { AgentsService } from './agents.service.js';

const params = z.object({ agent_id: uuidSchema });
const tags = ['agents'];
const agentAnswer = { 200: agentResponseSchema, ...errorResponses(401, 404, 422) };

/** /api/v1/agents: the agents a user builds (definition, versions, lifecycle, copy, export/import). */
export const agentsRoutes: FastifyPluginAsyncZod<{ service: AgentsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List agents (pagination, search, status filter)',
        tags,
        querystring: listAgentsQuerySchema,
        response: { 200: pageSchema(agentResponseSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Create an agent (with workflow_config)',
        tags,
        body: createAgentSchema,
        response: { 201: agentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.post(
    '/import',
    {
      schema: {
        summary: 'Import an agent from an export document (fresh id, draft, version 1)',
        tags,
        body: agentExportSchema,
        response: { 201: agentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.import(actorOf(request), request.body)),
  );

  app.get(
    '/:agent_id',
    { schema: { summary: 'Get an agent', tags, params, response: agentAnswer } },
    async (request) => service.get(actorOf(request), request.params.agent_id),
  );

  app.put(
    '/:agent_id',
    {
      schema: {
        summary: 'Update an agent (any subset of fields; the version goes up by one)',
        tags,
        params,
        body: updateAgentSchema,
        response: agentAnswer,
      },
    },
    async (request) => service.update(actorOf(request), request.params.agent_id, request.body),
  );

  app.delete(
    '/:agent_id',
    {
      schema: {
        summary: 'Delete an agent (its owner, or an administrator)',
        tags,
        params,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.agent_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:agent_id/deploy',
    { schema: { summary: 'Publish an agent', tags, params, response: agentAnswer } },
    async (request) => service.deploy(actorOf(request), request.params.agent_id),
  );

  app.post(
    '/:agent_id/stop',
    { schema: { summary: 'Stop an agent (it refuses chats until deployed again)', tags, params, response: agentAnswer } },
    async (request) => service.stop(actorOf(request), request.params.agent_id),
  );

  app.post(
    '/:agent_id/duplicate',
    {
      schema: {
        summary: 'Deep-copy an agent (a new draft at version 1)',
        tags,
        params,
        response: { 201: agentResponseSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.duplicate(actorOf(request), request.params.agent_id)),
  );

  app.get(
    '/:agent_id/export',
    {
      schema: {
        summary: 'Export an agent as a JSON document',
        tags,
        params,
        response: { 200: agentExportSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.export(actorOf(request), request.params.agent_id),
  );

  app.get(
    '/:agent_id/versions',
    {
      schema: {
        summary: 'Version history of an agent, newest first',
        tags,
        params,
        response: { 200: z.array(agentVersionSchema), ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.listVersions(actorOf(request), request.params.agent_id),
  );

  app.get(
    '/:agent_id/versions/:version',
    {
      schema: {
        summary: 'One version of an agent',
        tags,
        params: params.extend({ version: z.coerce.number().int().min(1).max(1_000_000) }),
        response: { 200: agentVersionSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.getVersion(actorOf(request), request.params.agent_id, request.params.version),
  );
};
