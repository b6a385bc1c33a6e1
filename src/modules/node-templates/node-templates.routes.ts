import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import {
  createNodeTemplateSchema,
  listNodeTemplatesQuerySchema,
  nodeTemplatePageSchema,
  nodeTemplateResponseSchema,
  nodeTypeListSchema,
  updateNodeTemplateSchema,
} from './node-templates.schemas.js';
import type { NodeTemplatesService } from './node-templates.service.js';

const params = z.object({ template_id: uuidSchema });
const tags = ['node-templates'];
const templateAnswer = { 200: nodeTemplateResponseSchema, ...errorResponses(401, 404, 422) };
const configRefusals =
  'The config is checked against the node type as POST /workflows/validate checks it: 422 NODE_TYPE_UNKNOWN ' +
  '(with the known types) or NODE_CONFIG_INVALID (with every problem); {{references}} are left to run time.';

/** /api/v1/node-templates: saved node configurations, and the node type catalogue they are made from. */
export const nodeTemplatesRoutes: FastifyPluginAsyncZod<{ service: NodeTemplatesService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List your node templates (pagination; search, node_type, category and tag filters)',
        tags,
        querystring: listNodeTemplatesQuerySchema,
        response: { 200: nodeTemplatePageSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Save a node configuration as a template',
        description: configRefusals,
        tags,
        body: createNodeTemplateSchema,
        response: { 201: nodeTemplateResponseSchema, ...errorResponses(401, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/node-types',
    {
      schema: {
        summary: 'List the node types with their config JSON Schemas and defaults (for editors)',
        tags,
        response: { 200: nodeTypeListSchema, ...errorResponses(401) },
      },
    },
    async () => service.nodeTypes(),
  );

  app.get(
    '/:template_id',
    { schema: { summary: 'Get a node template', tags, params, response: templateAnswer } },
    async (request) => service.get(actorOf(request), request.params.template_id),
  );

  app.put(
    '/:template_id',
    {
      schema: {
        summary: 'Update a node template (any subset of fields; error_policy: null removes it)',
        description: `A new node_type or config is checked together. ${configRefusals}`,
        tags,
        params,
        body: updateNodeTemplateSchema,
        response: { ...templateAnswer, ...errorResponses(409) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.template_id, request.body),
  );

  app.delete(
    '/:template_id',
    {
      schema: {
        summary: 'Delete a node template',
        tags,
        params,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.template_id);
      return reply.status(204).send(null);
    },
  );
};
