import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses, uuidSchema } from '../../platform/http/schemas.js';
import type { AgentsService } from '../agents/agents.service.js';
import { chatStreamDescription } from './bare-chat.routes.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { streamChatTurn, type ChatStreamDeps } from './chat-stream.js';
import { agentTurn } from './agent-turn.js';
import { agentChatBodySchema, chatResponseSchema } from './chat.schemas.js';

const tags = ['agent-chat'];
const params = z.object({ agent_id: uuidSchema });

/** /api/v1/agent-chat/{agent_id} and /stream: talk to an agent. */
export const agentChatRoutes: FastifyPluginAsyncZod<ChatStreamDeps & { agents: AgentsService }> = async (
  app,
  { runner, runs, agents },
) => {
  app.post(
    '/:agent_id',
    {
      schema: {
        summary: 'Chat with an agent',
        tags,
        params,
        body: agentChatBodySchema,
        response: { 200: chatResponseSchema, ...errorResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const agent = await agents.forChat(actor, request.params.agent_id);
      return runner.reply(actor, agentTurn(agent, request.body), { signal: callerGone(reply) });
    },
  );

  app.post(
    '/:agent_id/stream',
    {
      schema: {
        summary: 'Chat with an agent, streamed (SSE)',
        description: `${chatStreamDescription} An agent with knowledge bases first sends \`retrieval\` {sources} and adds \`citations\` to done. With streamlined: true only the final done (or error) is sent.`,
        tags,
        params,
        body: agentChatBodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const agent = await agents.forChat(actor, request.params.agent_id);
      const turn = agentTurn(agent, request.body);
      await streamChatTurn({ runner, runs }, { actor, request: turn, reply, streamlined: request.body.streamlined });
    },
  );
};
