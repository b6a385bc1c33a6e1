import type { FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../../platform/http/error-handler.js';
import { openEventStream } from '../../platform/http/sse.js';
import { errorWireEvent, toWireEvent } from './chat-events.js';
import type { ChatService, PreparedTurn } from './chat.service.js';

/**
 * Streams a prepared turn as the seed's SSE events. `streamlined` sends only the final `done`
 * (and `error`), for clients that want the answer without the play-by-play.
 */
export async function streamPreparedTurn(options: {
  service: ChatService;
  turn: PreparedTurn;
  request: FastifyRequest;
  reply: FastifyReply;
  streamlined?: boolean | undefined;
}): Promise<void> {
  const { service, turn, request, reply } = options;
  reply.header('x-session-id', turn.sessionId);
  const stream = openEventStream(reply);
  try {
    for await (const event of service.stream(turn, stream.signal)) {
      const wire = toWireEvent(event);
      if (wire && (!options.streamlined || wire.event === 'done')) stream.send(wire.event, wire.data);
    }
  } catch (error) {
    const appError = toAppError(error);
    if (!stream.signal.aborted) request.log.warn({ code: appError.code }, appError.message);
    const wire = errorWireEvent(appError);
    stream.send(wire.event, wire.data);
  } finally {
    stream.close();
  }
}

/** An AbortSignal that fires when the caller of a plain (non-streamed) request hangs up. */
export function callerGone(reply: FastifyReply): AbortSignal {
  // A caller who hangs up should not keep paying for the model call.
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
