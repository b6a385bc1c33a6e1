import type { FastifyReply } from 'fastify';

/** An AbortSignal that fires when the caller of a plain (non-streamed) request hangs up. */
export function callerGone(reply: FastifyReply): AbortSignal {
  // A caller who hangs up should not keep paying for the work they asked for.
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
