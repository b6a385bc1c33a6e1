/**
 * Delivers one scripted chat reply over an exchange, as a JSON completion or an SSE stream
 * depending on what the request asked for.
 */
import { openEventStream, sendError, sendJson, writeEvents, type Exchange } from './model-server.http.js';
import {
  renderCompletion,
  renderFailingStream,
  renderStream,
  type RenderContext,
  type ScriptedReply,
  type StreamFailureReply,
} from './model-server.script.js';

/** Sends a scripted chat reply; the caller has already applied the reply's initial delay. */
export async function deliverChatReply(
  exchange: Exchange,
  reply: ScriptedReply,
  context: RenderContext,
  streaming: boolean,
): Promise<void> {
  const headers = { 'x-request-id': `req_${context.id.slice(9)}`, ...reply.headers };
  if ('error' in reply) return sendError(exchange, reply.error, headers);
  if ('streamFailure' in reply) return deliverFailure(exchange, reply, context, streaming, headers);
  if (!streaming) return sendJson(exchange, 200, renderCompletion(reply, context), headers);
  openEventStream(exchange, headers);
  if (await writeEvents(exchange, renderStream(reply, context), reply.chunkDelayMs)) exchange.response.end();
}

/**
 * Starts a reply and breaks it. A non-streaming request gets half of a completion body, which is
 * the JSON equivalent of a stream dying part-way through.
 */
async function deliverFailure(
  exchange: Exchange,
  reply: StreamFailureReply,
  context: RenderContext,
  streaming: boolean,
  headers: Record<string, string>,
): Promise<void> {
  const { text, mode } = reply.streamFailure;
  if (streaming) {
    openEventStream(exchange, headers);
    if (!(await writeEvents(exchange, renderFailingStream(reply, context), reply.chunkDelayMs))) return;
  } else {
    const whole = JSON.stringify(renderCompletion({ text }, context));
    exchange.response.writeHead(200, { 'content-type': 'application/json', ...headers });
    exchange.response.write(whole.slice(0, Math.floor(whole.length / 2)));
  }
  if (mode === 'disconnect') exchange.breakConnection();
  else exchange.response.end();
}
