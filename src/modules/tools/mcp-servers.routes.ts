import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { mcpServerParamsSchema, mcpServerSchema, registerMcpServerBodySchema } from './mcp-servers.schemas.js';
import type { McpServersService } from './mcp-servers.service.js';

const tags = ['tools'];

/** /api/v1/tools/mcp-servers: MCP servers over streamable HTTP whose tools become your tools. */
export const mcpServersRoutes: FastifyPluginAsyncZod<{ service: McpServersService }> = async (app, { service }) => {
  app.post(
    '',
    {
      schema: {
        summary: 'Register an MCP server (streamable HTTP) and add its tools',
        description:
          'Connects through the SSRF guard, lists the tools and adds each as <name>_<tool> (type mcp). Nothing is stored ' +
          'when the server cannot be reached (502).',
        tags,
        body: registerMcpServerBodySchema,
        response: { 201: mcpServerSchema, ...errorResponses(401, 403, 409, 422, 502) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.register(actorOf(request), request.body)),
  );

  app.get(
    '',
    {
      schema: {
        summary: 'Your MCP servers with their tools',
        tags,
        response: { 200: z.object({ items: z.array(mcpServerSchema), total: z.number().int() }), ...errorResponses(401) },
      },
    },
    async (request) => service.list(actorOf(request)),
  );

  app.get(
    '/:server_id',
    {
      schema: {
        summary: 'An MCP server with its tools',
        tags,
        params: mcpServerParamsSchema,
        response: { 200: mcpServerSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.get(actorOf(request), request.params.server_id),
  );

  app.post(
    '/:server_id/refresh',
    {
      schema: {
        summary: "Sync an MCP server's tools (add new, update changed, remove vanished)",
        tags,
        params: mcpServerParamsSchema,
        response: { 200: mcpServerSchema, ...errorResponses(401, 403, 404, 422, 502) },
      },
    },
    async (request) => service.refresh(actorOf(request), request.params.server_id),
  );

  app.delete(
    '/:server_id',
    {
      schema: {
        summary: 'Remove an MCP server and its tools',
        tags,
        params: mcpServerParamsSchema,
        response: { 204: z.null().describe('Removed'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.server_id);
      return reply.status(204).send(null);
    },
  );
};
