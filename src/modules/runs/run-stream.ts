import type { FastifyReply } from 'fastify';
import type { Actor } from '../../platform/http/authenticate.js';
import { openEventStream } from '../../platform/http/sse.js';
import type { RunsService } from './runs.service.js';

/**
 * Sends a run's events as SSE, each with its sequence number as `id`, from `afterSeq` until the
 * run ends. The client leaving only stops the subscription: the run goes on.
 */
export async function streamRunEvents(options: {
  runs: RunsService;
  actor: Actor;
  runId: string;
  afterSeq?: number;
  reply: FastifyReply;
  headers?: Record<string, string>;
  /** Which events to send (all when absent). */
  include?: (event: string) => boolean;
}): Promise<void> {
  const { runs, actor, runId, reply, include } = options;
  const controller = new AbortController();
  const events = await runs.follow(actor, runId, options.afterSeq ?? 0, controller.signal);
  const stream = openEventStream(reply, { headers: { 'x-run-id': runId, ...options.headers } });
  stream.signal.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    for await (const event of events) {
      if (!include || include(event.event)) stream.send(event.event, event.data, event.seq);
    }
  } finally {
    controller.abort();
    stream.close();
  }
}
