import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { errorResponses } from '../../platform/http/schemas.js';
import type { ModelSelector } from '../../platform/llm/gateway.js';
import { callerGone } from '../../platform/http/caller-gone.js';
import { streamChatTurn, type ChatStreamDeps } from './chat-stream.js';
import { bareChatBodySchema, chatResponseSchema, type BareChatInput } from './chat.schemas.js';
import { defaultHistoryLimits, type ChatTurnRequest } from './chat.service.js';

const tags = ['agent-chat'];

/** The SSE contract, shared by every chat stream's OpenAPI description. */
export const chatStreamDescription =
  'Server-sent events: `token` {content}, `tool_call`, `tool_result`, `done` {session_id, message_id, content, ' +
  'model, finish_reason, token_usage}, `error` {error, message}. The session id is also in the X-Session-Id ' +
  'header. The turn is a durable run (X-Run-Id header, `run_id` in `done`): closing the connection does not ' +
  'stop it; re-attach with GET /api/v1/runs/{run_id}/events (Last-Event-ID) or stop it with POST /api/v1/runs/{run_id}/cancel.';

function selectorOf(input: BareChatInput): ModelSelector {
  const parameters = input.parameters ?? {};
  if (input.model_config_id) return { modelConfigId: input.model_config_id, parameters };
  if (input.model_config) return { inline: { ...input.model_config, ...parameters } };
  return { parameters };
}

function bareTurn(input: BareChatInput): ChatTurnRequest {
  return {
    message: input.message,
    sessionId: input.session_id,
    agentId: null,
    system: input.system_prompt,
    selector: selectorOf(input),
    history: defaultHistoryLimits,
  };
}

/** /api/v1/agent-chat/bare and /bare/stream: chat without an agent. */
export const bareChatRoutes: FastifyPluginAsyncZod<ChatStreamDeps> = async (app, { runner, runs }) => {
  app.post(
    '/bare',
    {
      schema: {
        summary: 'Default chat (no agent needed)',
        tags,
        body: bareChatBodySchema,
        response: { 200: chatResponseSchema, ...errorResponses(401, 404, 409, 422, 502, 503) },
      },
    },
    async (request, reply) => runner.reply(actorOf(request), bareTurn(request.body), { signal: callerGone(reply) }),
  );

  app.post(
    '/bare/stream',
    {
      schema: {
        summary: 'Default chat, streamed (SSE)',
        description: chatStreamDescription,
        tags,
        body: bareChatBodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      await streamChatTurn({ runner, runs }, { actor: actorOf(request), request: bareTurn(request.body), reply });
    },
  );
};
