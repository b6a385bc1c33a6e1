import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/authenticate.js';
import { toAppError } from '../../platform/http/error-handler.js';
import { errorResponses } from '../../platform/http/schemas.js';
import { openEventStream } from '../../platform/http/sse.js';
import type { BareChatService } from './bare-chat.service.js';
import { errorWireEvent, toWireEvent } from './chat-events.js';
import { bareChatBodySchema, chatResponseSchema } from './chat.schemas.js';

const tags = ['agent-chat'];

const streamDescription =
  'Server-sent events: `token` {content}, `tool_call`, `tool_result`, `done` {session_id, message_id, content, ' +
  'model, finish_reason, token_usage}, `error` {error, message}. The session id is also in the X-Session-Id ' +
  'header. Closing the connection cancels the model call.';

/** /api/v1/agent-chat/bare and /bare/stream: chat without an agent. */
export const bareChatRoutes: FastifyPluginAsyncZod<{ service: BareChatService }> = async (app, { service }) => {
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
    async (request, reply) => {
      // A caller who hangs up should not keep paying for the model call.
      const controller = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      return service.reply(actorOf(request), request.body, controller.signal);
    },
  );

  app.post(
    '/bare/stream',
    {
      schema: {
        summary: 'Default chat, streamed (SSE)',
        description: streamDescription,
        tags,
        body: bareChatBodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const turn = await service.prepare(actorOf(request), request.body);
      reply.header('x-session-id', turn.sessionId);
      const stream = openEventStream(reply);
      try {
        for await (const event of service.stream(turn, stream.signal)) {
          const wire = toWireEvent(event);
          if (wire) stream.send(wire.event, wire.data);
        }
      } catch (error) {
        const appError = toAppError(error);
        if (!stream.signal.aborted) request.log.warn({ code: appError.code }, appError.message);
        const wire = errorWireEvent(appError);
        stream.send(wire.event, wire.data);
      } finally {
        stream.close();
      }
    },
  );
};
