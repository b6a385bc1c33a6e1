import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import {
  createFromTemplateSchema,
  listTemplatesQuerySchema,
  templateDetailSchema,
  templateIdSchema,
  templateListSchema,
} from './workflow-templates.schemas.js';
import { WorkflowTemplatesService } from './workflow-templates.service.js';
import { workflowResponseSchema } from './workflows.schemas.js';
import type { WorkflowsService } from './workflows.service.js';

const params = z.object({ template_id: templateIdSchema });
const tags = ['workflows'];

/**
 * /api/v1/workflows/templates: the built-in workflow templates, and creating a workflow from one.
 * Register it with the /api/v1/workflows prefix before workflowsRoutes, beside /:workflow_id.
 */
export const workflowTemplatesRoutes: FastifyPluginAsyncZod<{ service: WorkflowsService }> = async (app, { service }) => {
  const templates = new WorkflowTemplatesService({ workflows: service });

  app.get(
    '/templates',
    {
      schema: {
        summary: 'List the built-in workflow templates (filter by category, search)',
        tags,
        querystring: listTemplatesQuerySchema,
        response: { 200: templateListSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => templates.list(request.query),
  );

  app.get(
    '/templates/:template_id',
    {
      schema: {
        summary: 'Get a workflow template with its graph and an example input',
        tags,
        params,
        response: { 200: templateDetailSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => templates.get(request.params.template_id),
  );

  app.post(
    '/templates/:template_id/create',
    {
      schema: {
        summary: 'Create a workflow of your own from a template (version 1)',
        description:
          'The workflow gets the template graph and environment; its model nodes use your default model. ' +
          'The body may be left out. Without a name it is named after the template; a name you already use gets " (2)", " (3)" ... appended.',
        tags,
        params,
        body: createFromTemplateSchema,
        response: { 201: workflowResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await templates.createWorkflow(actorOf(request), request.params.template_id, request.body ?? {})),
  );
};
