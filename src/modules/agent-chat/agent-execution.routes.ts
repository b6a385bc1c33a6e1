import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import type { AgentsService } from '../agents/agents.service.js';
import { agentTurn } from './agent-turn.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { chatHistorySchema, chatResponseSchema, executeAgentBodySchema } from './chat.schemas.js';
import type { ChatRunner } from './chat-runner.js';
import type { ChatService } from './chat.service.js';

const tags = ['agents'];
const params = z.object({ agent_id: uuidSchema });

/** /api/v1/agents/{agent_id}/execute and /preview-chat-history: running an agent from its designer. */
export const agentExecutionRoutes: FastifyPluginAsyncZod<{
  chat: ChatService;
  runner: ChatRunner;
  agents: AgentsService;
}> = async (app, { chat, runner, agents }) => {
  app.post(
    '/:agent_id/execute',
    {
      schema: {
        summary: 'Execute an agent (mode agent: one turn)',
        tags,
        params,
        body: executeAgentBodySchema,
        response: {
          200: chatResponseSchema.extend({ mode: z.literal('agent') }),
          ...errorResponses(401, 404, 409, 422, 502, 503),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const agent = await agents.forChat(actor, request.params.agent_id);
      const answer = await runner.reply(actor, agentTurn(agent, request.body), { kind: 'agent_execute', signal: callerGone(reply) });
      return { ...answer, mode: request.body.mode };
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
