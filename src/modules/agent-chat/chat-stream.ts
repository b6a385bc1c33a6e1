import type { FastifyReply } from 'fastify';
import type { Actor } from '../../platform/http/authenticate.js';
import { streamRunEvents } from '../runs/run-stream.js';
import type { RunsService } from '../runs/runs.service.js';
import type { ChatRunner } from './chat-runner.js';
import type { ChatTurnRequest } from './chat.service.js';

/** What a streamed chat route needs: the runner that starts turns and the runs it follows. */
export interface ChatStreamDeps {
  runner: ChatRunner;
  runs: RunsService;
}

/**
 * Starts a turn as a run and streams its events as the seed's SSE. `streamlined` sends only the
 * final `done` (or `error`). Errors before the stream opens (404, 409 SESSION_BUSY) are plain answers.
 */
export async function streamChatTurn(
  deps: ChatStreamDeps,
  options: { actor: Actor; request: ChatTurnRequest; reply: FastifyReply; streamlined?: boolean | undefined },
): Promise<void> {
  const { actor, reply } = options;
  const { sessionId, runId } = await deps.runner.startStream(actor, options.request);
  await streamRunEvents({
    runs: deps.runs,
    actor,
    runId,
    reply,
    headers: { 'x-session-id': sessionId },
    ...(options.streamlined ? { include: (event: string) => event === 'done' || event === 'error' } : {}),
  });
}
