import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import { answerOrchestration, callerOptions, orchestrationStreamDescription } from '../orchestration/orchestration-http.js';
import { orchestrationResultSchema } from '../orchestration/orchestration.schemas.js';
import type { RunsService } from '../runs/runs.service.js';
import {
  createTemplateSchema,
  listTemplatesQuerySchema,
  runTemplateBodySchema,
  templatePageSchema,
  templateResponseSchema,
  updateTemplateSchema,
} from './orchestration-templates.schemas.js';
import type { OrchestrationTemplatesService } from './orchestration-templates.service.js';

const params = z.object({ template_id: uuidSchema });
const tags = ['orchestration-templates'];
const checks =
  "Checked as a run would be: another user's agent (or model config) answers 404, limits (10 agents, 10 rounds, 20 stages), " +
  'stage templates and the graph answer 422 with every problem; a stopped agent may be saved but not run.';

/** /api/v1/orchestration-templates: saved multi-agent orchestrations, and running them. */
export const orchestrationTemplatesRoutes: FastifyPluginAsyncZod<{ service: OrchestrationTemplatesService; runs: RunsService }> = async (
  app,
  { service, runs },
) => {
  app.get(
    '',
    {
      schema: {
        summary: 'List your orchestration templates (pagination; search and mode filters)',
        tags,
        querystring: listTemplatesQuerySchema,
        response: { 200: templatePageSchema, ...errorResponses(401, 422) },
      },
    },
    async (request) => service.list(actorOf(request), request.query),
  );

  app.post(
    '',
    {
      schema: {
        summary: 'Save an orchestration (mode route, sequential, pipeline, debate or graph, with its agents and settings)',
        description: checks,
        tags,
        body: createTemplateSchema,
        response: { 201: templateResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(actorOf(request), request.body)),
  );

  app.get(
    '/:template_id',
    { schema: { summary: 'Get an orchestration template', tags, params, response: { 200: templateResponseSchema, ...errorResponses(401, 404, 422) } } },
    async (request) => service.get(actorOf(request), request.params.template_id),
  );

  app.put(
    '/:template_id',
    {
      schema: {
        summary: 'Update an orchestration template (any fields; null removes an optional one)',
        description: `The changed template is checked as a whole. ${checks}`,
        tags,
        params,
        body: updateTemplateSchema,
        response: { 200: templateResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request) => service.update(actorOf(request), request.params.template_id, request.body),
  );

  app.delete(
    '/:template_id',
    {
      schema: {
        summary: 'Delete an orchestration template',
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

  app.post(
    '/:template_id/run',
    {
      schema: {
        summary: 'Run an orchestration template on a message (streamed by default)',
        description: `Like POST /agent-chat/orchestrate with the saved mode and settings; the run's input names the template. ${orchestrationStreamDescription}`,
        tags,
        params,
        body: runTemplateBodySchema,
        response: { 200: orchestrationResultSchema, ...errorResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { message, stream } = request.body;
      const started = await service.run(actor, request.params.template_id, message, callerOptions(reply, stream));
      return answerOrchestration({ runs, actor, reply, started, stream });
    },
  );
};
