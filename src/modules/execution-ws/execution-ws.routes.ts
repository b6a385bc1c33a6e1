import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { EventBus } from '../../platform/events/event-bus.js';
import { actorOf } from '../../platform/http/authenticate.js';
import type { RunsService } from '../runs/runs.service.js';
import type { WorkflowExecutionsService } from '../workflow-executions/workflow-executions.service.js';
import type { ExecutionView } from '../workflow-executions/workflow-executions.view.js';
import { ExecutionSocket } from './execution-socket.js';
import { upgradeRequired } from './execution-ws.errors.js';
import { executionSocketParamsSchema, executionSocketQuerySchema } from './execution-ws.schemas.js';

/** What the execution socket route needs. */
export interface ExecutionSocketRoutesOptions {
  executions: WorkflowExecutionsService;
  runs: RunsService;
  events: EventBus;
  /** Milliseconds between ping frames (default 15 s, like the SSE heartbeat). */
  heartbeatMs?: number;
}

/**
 * /ws/executions/{execution_id}: a WebSocket that pushes an execution's status and run events.
 * Authentication, validation and the owner check run on the upgrade request, so a refused socket
 * is a plain 401/404/422 in the uniform error shape and never opens.
 */
export const executionSocketRoutes: FastifyPluginAsyncZod<ExecutionSocketRoutesOptions> = async (app, options) => {
  const { executions, runs, events } = options;
  // What the owner check read, for the socket that opens right after it.
  const checked = new WeakMap<FastifyRequest, { execution: ExecutionView; lastSeq: number }>();

  app.route({
    method: 'GET',
    url: '/:execution_id',
    schema: {
      // OpenAPI has no way to describe a WebSocket; docs/workflows.md does.
      hide: true,
      summary: "Follow an execution's status and events (WebSocket)",
      tags: ['executions'],
      params: executionSocketParamsSchema,
      querystring: executionSocketQuerySchema,
    },
    config: { tokenInQuery: true },
    // The URL may carry the token (?token=): keep fastify's info lines, which log it, out.
    logLevel: 'warn',
    preHandler: async (request) => {
      const actor = actorOf(request);
      const execution = await executions.get(actor, request.params.execution_id);
      const run = await runs.get(actor, execution.id);
      checked.set(request, { execution, lastSeq: run.last_event_id });
    },
    handler: async () => {
      throw upgradeRequired();
    },
    wsHandler: async (socket, request) => {
      const status = checked.get(request)!;
      checked.delete(request);
      const target = { actor: actorOf(request), executionId: status.execution.id, afterSeq: request.query.after_seq ?? 0 };
      const deps = { executions, runs, events, logger: request.log, heartbeatMs: options.heartbeatMs ?? 15_000 };
      await new ExecutionSocket(socket, target, deps).serve(status);
    },
  });
};
