import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema } from '../../platform/http/schemas.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import type { CustomToolsService } from './custom-tools.service.js';
import {
  argumentsBodySchema,
  createToolBodySchema,
  importOpenApiBodySchema,
  importOpenApiResponseSchema,
  listToolsQuerySchema,
  testCodeBodySchema,
  testHttpBodySchema,
  toolIdParamsSchema,
  toolOutcomeSchema,
  toolSchema,
  updateToolBodySchema,
} from './tools.schemas.js';
import type { ToolsService } from './tools.service.js';

const tags = ['tools'];
const outcomeDescription =
  'A tool that fails answers 200 with ok: false and the error (the same result a model would get); ' +
  'arguments that do not match the input schema answer 422.';

/** /api/v1/tools: the catalogue (built-in and custom tools), custom tool CRUD, trying and using tools. */
export const toolsRoutes: FastifyPluginAsyncZod<{ tools: ToolsService; custom: CustomToolsService }> = async (
  app,
  { tools, custom },
) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List tools: the built-ins and your custom tools',
        tags,
        querystring: listToolsQuerySchema,
        response: { 200: pageSchema(toolSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => tools.list(actorOf(request), request.query),
  );

  app.get(
    '/categories',
    {
      schema: {
        summary: 'Tool categories with how many tools each holds',
        tags,
        response: {
          200: z.object({ items: z.array(z.object({ name: z.string(), count: z.number().int() })), total: z.number().int() }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => tools.categories(actorOf(request)),
  );

  app.get(
    '/builtin',
    {
      schema: {
        summary: 'The built-in tools with their input schemas',
        tags,
        response: { 200: z.object({ items: z.array(toolSchema), total: z.number().int() }), ...errorResponses(401) },
      },
    },
    async () => tools.builtin(),
  );

  app.get(
    '/:tool_id',
    {
      schema: {
        summary: 'Get a tool (a built-in by name, yours by id or name)',
        tags,
        params: toolIdParamsSchema,
        response: { 200: toolSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => tools.get(actorOf(request), request.params.tool_id),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Create a custom tool (HTTP or code)',
        tags,
        body: createToolBodySchema,
        response: { 201: toolSchema, ...errorResponses(401, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await custom.create(actorOf(request), request.body)),
  );

  app.put(
    '/:tool_id',
    {
      schema: {
        summary: 'Update a custom tool',
        description: 'Omitted fields stay; an HTTP config without its credential keeps the stored one.',
        tags,
        params: toolIdParamsSchema,
        body: updateToolBodySchema,
        response: { 200: toolSchema, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => custom.update(actorOf(request), request.params.tool_id, request.body),
  );

  app.delete(
    '/:tool_id',
    {
      schema: {
        summary: 'Delete a custom tool',
        tags,
        params: toolIdParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      await custom.delete(actorOf(request), request.params.tool_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/import/openapi',
    {
      schema: {
        summary: 'Import an OpenAPI 3 document: one HTTP tool per operation',
        description:
          'Path, query and header parameters and the JSON request body become the input schema; the auth given applies ' +
          'to every tool. Operations that cannot become tools (name taken, unusable schema) are listed in `skipped`.',
        tags,
        body: importOpenApiBodySchema,
        response: { 201: importOpenApiResponseSchema, ...errorResponses(401, 413, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await custom.importOpenApi(actorOf(request), request.body)),
  );

  app.post(
    '/test/http',
    {
      schema: {
        summary: 'Try an HTTP tool without saving it',
        description: outcomeDescription,
        tags,
        body: testHttpBodySchema,
        response: { 200: toolOutcomeSchema, ...errorResponses(401, 422) },
      },
    },
    async (request, reply) => custom.testHttp(actorOf(request), request.body, callerGone(reply)),
  );

  app.post(
    '/test/code',
    {
      schema: {
        summary: 'Run code in the sandbox without saving it',
        description: outcomeDescription,
        tags,
        body: testCodeBodySchema,
        response: { 200: toolOutcomeSchema, ...errorResponses(401, 422) },
      },
    },
    async (request, reply) => custom.testCode(actorOf(request), request.body, callerGone(reply)),
  );

  app.post(
    '/:tool_id/use',
    {
      schema: {
        summary: 'Call a tool with arguments',
        description: outcomeDescription,
        tags,
        params: toolIdParamsSchema,
        body: argumentsBodySchema,
        response: { 200: toolOutcomeSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => tools.use(actorOf(request), request.params.tool_id, request.body.arguments, callerGone(reply)),
  );
};
