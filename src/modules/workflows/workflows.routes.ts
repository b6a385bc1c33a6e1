import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, pageSchema, uuidSchema } from '../../platform/http/schemas.js';
import {
  createWorkflowSchema,
  listWorkflowsQuerySchema,
  updateWorkflowSchema,
  validateWorkflowSchema,
  validationResultSchema,
  webhookSecretSchema,
  workflowExportSchema,
  workflowResponseSchema,
} from './workflows.schemas.js';
import type { WorkflowsService } from './workflows.service.js';

const params = z.object({ workflow_id: uuidSchema });
const tags = ['workflows'];
const workflowAnswer = { 200: workflowResponseSchema, ...errorResponses(401, 404, 422) };

/**
 * /api/v1/workflows: workflow definitions, validation, export/import and webhook secrets (the version
 * history is workflowVersionsRoutes, under the same prefix). Static paths (/validate, /import) come first.
 */
export const workflowsRoutes: FastifyPluginAsyncZod<{ service: WorkflowsService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List workflows (pagination, search on name and description)',
        tags,
        querystring: listWorkflowsQuerySchema,
        response: { 200: pageSchema(workflowResponseSchema), ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Create a workflow (a draft: graph problems are reported by /validate, not refused)',
        description: 'A new webhook secret is generated; read it with GET /workflows/{workflow_id}/webhook-secret.',
        tags,
        body: createWorkflowSchema,
        response: { 201: workflowResponseSchema, ...errorResponses(401, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.post(
    '/validate',
    {
      schema: {
        summary: 'Validate a workflow graph: every problem with its node id',
        description: 'Graph problems answer 200 with valid: false; only a body without the graph shape is a 422.',
        tags,
        body: validateWorkflowSchema,
        response: { 200: validationResultSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.validate(request.body.graph, request.body.environment),
  );

  app.post(
    '/import',
    {
      schema: {
        summary: 'Import a workflow from an export document (new id and webhook secret, version 1)',
        description: 'A name you already use gets " (2)", " (3)" ... appended.',
        tags,
        body: workflowExportSchema,
        response: { 201: workflowResponseSchema, ...errorResponses(401, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.import(actorOf(request), request.body)),
  );

  app.get(
    '/:workflow_id',
    { schema: { summary: 'Get a workflow', tags, params, response: workflowAnswer } },
    async (request) => service.get(actorOf(request), request.params.workflow_id),
  );

  app.put(
    '/:workflow_id',
    {
      schema: {
        summary: 'Update a workflow (any subset of fields; each update is a new version)',
        tags,
        params,
        body: updateWorkflowSchema,
        response: { ...workflowAnswer, ...errorResponses(409) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.workflow_id, request.body),
  );

  app.delete(
    '/:workflow_id',
    {
      schema: {
        summary: 'Delete a workflow with its versions and executions',
        tags,
        params,
        response: { 204: z.null().describe('Deleted'), ...errorResponses(401, 404, 422) },
      },
    },
    async (request, reply) => {
      await service.delete(actorOf(request), request.params.workflow_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:workflow_id/export',
    {
      schema: {
        summary: 'Export a workflow as a JSON document (no ids, no secret)',
        tags,
        params,
        response: { 200: workflowExportSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.export(actorOf(request), request.params.workflow_id),
  );

  app.get(
    '/:workflow_id/webhook-secret',
    {
      schema: {
        summary: "Show the workflow's webhook secret (its owner only)",
        tags,
        params,
        response: { 200: webhookSecretSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.showWebhookSecret(actorOf(request), request.params.workflow_id),
  );

  app.post(
    '/:workflow_id/webhook-secret/rotate',
    {
      schema: {
        summary: 'Replace the webhook secret with a new one (the old one stops working)',
        tags,
        params,
        response: { 200: webhookSecretSchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => service.rotateWebhookSecret(actorOf(request), request.params.workflow_id),
  );
};
