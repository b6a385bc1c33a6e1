import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { streamRunEvents } from '../runs/run-stream.js';
import type { RunsService } from '../runs/runs.service.js';
import { swarmResultSchema, swarmRunBodySchema, type SwarmRunBody } from './swarm.schemas.js';
import type { SwarmInput, SwarmService } from './swarm.service.js';

const tags = ['swarm'];

const streamDescription =
  'Server-sent events, each with `agent_id` and `agent_name` (who is speaking): `agent_start` {message, turn}, ' +
  "`token`, `tool_call`, `tool_result` (the agent's own, relayed), `blackboard` {key, value} (a write), `agent_done` " +
  '{content, run_id, token_usage, turn}, `handoff` {from_agent_id, from_agent_name, reason, context} (named for the ' +
  'receiving agent), then `done` (the result, as POST /swarm/run answers it) or `error` {error, message}. The swarm ' +
  'is a durable run (X-Run-Id header): re-attach with GET /api/v1/runs/{run_id}/events, stop it with POST /api/v1/runs/{run_id}/cancel.';

function inputOf(body: SwarmRunBody): SwarmInput {
  return {
    message: body.message,
    agentIds: body.agent_ids,
    entryAgentId: body.entry_agent_id,
    maxHandoffs: body.max_handoffs,
    blackboard: body.blackboard,
    sessions: body.sessions,
  };
}

/** /api/v1/swarm/run and /run/stream: agents that hand control to one another over a shared blackboard. */
export const swarmRoutes: FastifyPluginAsyncZod<{ service: SwarmService; runs: RunsService }> = async (app, { service, runs }) => {
  app.post(
    '/run',
    {
      schema: {
        summary: 'Run an agent swarm',
        description:
          'The entry agent speaks first; an agent hands control to another with the `handoff` tool (reason and context ' +
          'passed on) and all share a blackboard (`blackboard_read`, `blackboard_write`). The swarm ends when an agent ' +
          'answers without handing off (stopped: answered) or asks for a hand-off past max_handoffs (stopped: handoff_limit).',
        tags,
        body: swarmRunBodySchema,
        response: { 200: swarmResultSchema, ...errorResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => service.run(actorOf(request), inputOf(request.body), { signal: callerGone(reply) }),
  );

  app.post(
    '/run/stream',
    {
      schema: {
        summary: 'Run an agent swarm, streamed (SSE)',
        description: streamDescription,
        tags,
        body: swarmRunBodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const started = await service.start(actor, inputOf(request.body));
      await streamRunEvents({ runs, actor, runId: started.id, reply });
    },
  );
};
