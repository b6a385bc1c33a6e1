import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../platform/http/authenticate.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import { streamRunEvents } from '../runs/run-stream.js';
import { settledWithin, type RunsService } from '../runs/runs.service.js';
import type { ExecutionTrigger } from '../../platform/db/schema/index.js';
import { createExecutionBodySchema, executeBodySchema, executionResponseSchema, resumeBodySchema, type ExecuteBody } from './workflow-executions.schemas.js';
import type { WorkflowExecutionsService } from './workflow-executions.service.js';

const tags = ['executions'];
const executionParams = z.object({ execution_id: uuidSchema });
const executionAnswer = { 200: executionResponseSchema, 202: executionResponseSchema, ...errorResponses(401, 404, 409, 422) };

/** What the execution routes need. */
export interface ExecutionRoutesOptions {
  service: WorkflowExecutionsService;
  runs: RunsService;
}

const modeDescription =
  'mode sync waits up to timeout_ms and answers 200 with the ended execution (202 if it is still running); async answers ' +
  '202 at once; stream answers SSE: workflow_started, node_started, node_finished (status, output, error, duration_ms), ' +
  'node_token (LLM tokens), waiting (an approval), paused, done (output, token_usage) or error. The execution id is its ' +
  'run id (X-Run-Id): re-attach with GET /api/v1/runs/{id}/events.';

/**
 * Starts an execution and answers the way its mode asks: async queues it (202 with the pending
 * execution); sync and stream run it in this process, where the caller waits for it.
 */
export async function executeAndAnswer(options: {
  service: WorkflowExecutionsService;
  runs: RunsService;
  actor: Actor;
  workflowId: string;
  trigger: ExecutionTrigger;
  body: ExecuteBody;
  reply: FastifyReply;
}) {
  const { service, runs, actor, body, reply } = options;
  const start = { input: body.input, trigger: options.trigger };
  if (body.mode === 'async') {
    const id = await service.enqueue(actor, options.workflowId, start);
    return reply.status(202).send(await service.get(actor, id));
  }
  const started = await service.start(actor, options.workflowId, start);
  if (body.mode === 'stream') return streamRunEvents({ runs, actor, runId: started.id, reply });
  const ended = await settledWithin(started.settled, body.timeout_ms);
  return reply.status(ended ? 200 : 202).send(await service.get(actor, started.id));
}

/** POST /api/v1/workflows/{workflow_id}/execute: run a workflow. */
export const workflowExecuteRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, { service, runs }) => {
  app.post(
    '/:workflow_id/execute',
    {
      schema: {
        summary: 'Execute a workflow (sync, async or streamed)',
        description: modeDescription,
        tags: ['workflows'],
        params: z.object({ workflow_id: uuidSchema }),
        body: executeBodySchema,
        response: executionAnswer,
      },
    },
    async (request, reply) => {
      const workflowId = request.params.workflow_id;
      return executeAndAnswer({ service, runs, actor: actorOf(request), workflowId, trigger: 'api', body: request.body, reply });
    },
  );
};

/** /api/v1/executions: create, read, pause, resume and cancel executions. */
export const executionsRoutes: FastifyPluginAsyncZod<ExecutionRoutesOptions> = async (app, { service, runs }) => {
  app.post(
    '',
    {
      schema: { summary: 'Create an execution of a workflow', description: modeDescription, tags, body: createExecutionBodySchema, response: executionAnswer },
    },
    async (request, reply) => {
      const workflowId = request.body.workflow_id;
      return executeAndAnswer({ service, runs, actor: actorOf(request), workflowId, trigger: 'api', body: request.body, reply });
    },
  );

  app.get(
    '/:execution_id',
    { schema: { summary: 'Execution status with every node step', tags, params: executionParams, response: { 200: executionResponseSchema, ...errorResponses(401, 404, 422) } } },
    async (request) => service.get(actorOf(request), request.params.execution_id),
  );

  app.post(
    '/:execution_id/pause',
    {
      schema: {
        summary: 'Pause: no new node starts; running nodes finish, then the execution is paused',
        tags,
        params: executionParams,
        response: { 200: executionResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request) => service.pause(actorOf(request), request.params.execution_id),
  );

  app.post(
    '/:execution_id/resume',
    {
      schema: {
        summary: 'Resume a paused execution, or one waiting on an approval (with the decision)',
        description: 'Completed nodes are not run again. Answers 202 with the execution running again.',
        tags,
        params: executionParams,
        body: resumeBodySchema,
        response: { 202: executionResponseSchema, ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { decision, comment, decided_by: decidedBy } = request.body;
      const data = decision ? { decision, ...(comment ? { comment } : {}), ...(decidedBy ? { decided_by: decidedBy } : {}) } : undefined;
      await service.resume(actor, request.params.execution_id, data);
      return reply.status(202).send(await service.get(actor, request.params.execution_id));
    },
  );

  app.post(
    '/:execution_id/cancel',
    {
      schema: { summary: 'Cancel an execution', tags, params: executionParams, response: { 200: executionResponseSchema, ...errorResponses(401, 404, 409, 422) } },
    },
    async (request) => service.cancel(actorOf(request), request.params.execution_id),
  );
};
