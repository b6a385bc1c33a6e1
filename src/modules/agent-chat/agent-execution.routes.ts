import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf, type Actor } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import type { AgentsService } from '../agents/agents.service.js';
import { agentTurn } from './agent-turn.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { chatHistorySchema, chatResponseSchema, executeAgentBodySchema, type ExecuteAgentInput } from './chat.schemas.js';
import type { ChatRunner } from './chat-runner.js';
import type { ChatService } from './chat.service.js';
import type { RunsService } from '../runs/runs.service.js';
import { streamRunEvents } from '../runs/run-stream.js';
import type { OrchestrationService } from '../orchestration/orchestration.service.js';
import { answerOrchestration, callerOptions, orchestrationStreamDescription } from '../orchestration/orchestration-http.js';
import { orchestrationResultSchema } from '../orchestration/orchestration.schemas.js';

const tags = ['agents'];
const params = z.object({ agent_id: uuidSchema });

/** /api/v1/agents/{agent_id}/execute and /preview-chat-history: running an agent from its designer. */
export const agentExecutionRoutes: FastifyPluginAsyncZod<{
  chat: ChatService;
  runner: ChatRunner;
  agents: AgentsService;
  runs: RunsService;
  orchestration: OrchestrationService;
}> = async (app, { chat, runner, agents, runs, orchestration }) => {
  app.post(
    '/:agent_id/execute',
    {
      schema: {
        summary: 'Execute an agent: one turn (mode agent) or with other agents (sequential, pipeline, debate, graph)',
        description:
          'mode agent: one turn, answered like chat plus mode. sequential: this agent, then agent_ids, each given the previous ' +
          'answer. pipeline: stages (agent_id default: this agent) with input templates over {{input}}, {{previous}} and ' +
          '{{stages.<name>.output}}. debate: agent_ids argue for rounds, then judge_agent_id (default: this agent) gives a ' +
          "verdict. graph: this agent's workflow_config with agents as nodes. Another user's agent anywhere: 404. " +
          orchestrationStreamDescription,
        tags,
        params,
        body: executeAgentBodySchema,
        response: {
          200: z.union([chatResponseSchema.extend({ mode: z.literal('agent') }), orchestrationResultSchema]),
          ...errorResponses(401, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { body } = request;
      const agent = await agents.forChat(actor, request.params.agent_id);
      if (body.mode === 'agent') {
        const turn = agentTurn(agent, body);
        if (!body.stream) return { ...(await runner.reply(actor, turn, { kind: 'agent_execute', signal: callerGone(reply) })), mode: body.mode };
        const { sessionId, runId } = await runner.startStream(actor, turn, { kind: 'agent_execute' });
        return streamRunEvents({ runs, actor, runId, reply, headers: { 'x-session-id': sessionId } });
      }
      const started = await executeWith(orchestration, actor, agent.id, body, callerOptions(reply, body.stream));
      return answerOrchestration({ runs, actor, reply, started, stream: body.stream });
    },
  );

  app.get(
    '/:agent_id/preview-chat-history',
    {
      schema: {
        summary: "The designer's preview conversation with an agent",
        description: 'Your most recent session with the agent (or the one named by session_id), all its messages in order.',
        tags,
        params,
        querystring: z.object({ session_id: uuidSchema.optional() }),
        response: { 200: chatHistorySchema, ...errorResponses(401, 404, 422) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await agents.get(actor, request.params.agent_id);
      return chat.history(actor, request.params.agent_id, request.query.session_id);
    },
  );
};

/** An orchestration led by the executing agent: it speaks first, judges, runs its graph. */
function executeWith(
  orchestration: OrchestrationService,
  actor: Actor,
  self: string,
  body: Exclude<ExecuteAgentInput, { mode: 'agent' }>,
  options: { signal?: AbortSignal },
) {
  const { message } = body;
  const run = { ...options, agentId: self };
  switch (body.mode) {
    case 'sequential':
      return orchestration.sequential(actor, { message, agentIds: [self, ...body.agent_ids] }, run);
    case 'pipeline': {
      const stages = body.stages.map((stage) => ({ name: stage.name, agentId: stage.agent_id ?? self, input: stage.input }));
      return orchestration.pipeline(actor, { message, stages, output: body.output }, run);
    }
    case 'debate':
      return orchestration.debate(actor, { message, agentIds: body.agent_ids, judgeAgentId: body.judge_agent_id ?? self, rounds: body.rounds }, run);
    case 'graph':
      return orchestration.graph(actor, { message, agentId: self, input: body.input }, run);
  }
}
