import type { FastifyReply } from 'fastify';
import type { RunsService } from '../../modules/runs/runs.service.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { PlatformEvent } from './agentos.events.js';
import { openAgnoStream, type AgnoEvent } from './agentos.sse.js';

/**
 * Relays a started run's event log as an AgentOS stream: `first`, then each platform event through
 * `translate`. A client that leaves cancels the run, as AgentOS does for inline (non-background) runs.
 */
export async function relayRun(options: {
  runs: RunsService;
  actor: Actor;
  runId: string;
  reply: FastifyReply;
  first: AgnoEvent;
  translate: (event: PlatformEvent) => AgnoEvent[];
}): Promise<void> {
  const { runs, actor, runId } = options;
  const controller = new AbortController();
  const events = await runs.follow(actor, runId, 0, controller.signal);
  const stream = openAgnoStream(options.reply);
  let ended = false;
  stream.signal.addEventListener(
    'abort',
    () => {
      controller.abort();
      if (!ended) void runs.cancel(actor, runId).catch(() => undefined);
    },
    { once: true },
  );
  try {
    stream.send(options.first);
    for await (const event of events) for (const translated of options.translate(event)) stream.send(translated);
    ended = true;
  } finally {
    controller.abort();
    stream.close();
  }
}
