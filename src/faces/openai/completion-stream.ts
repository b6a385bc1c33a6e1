import type { FastifyReply } from 'fastify';
import type { ChatRunner } from '../../modules/agent-chat/chat-runner.js';
import type { ChatTurnRequest } from '../../modules/agent-chat/chat.service.js';
import type { RunsService } from '../../modules/runs/runs.service.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { defaultHeartbeatMs, eventStreamHeaders, formatComment } from '../../platform/http/sse.js';
import type { TokenUsage } from '../../platform/llm/llm-call.js';
import { ChunkBuilder, finishReasonOf, type CompletionIdentity } from './completion-turn.js';
import { toOpenAiError } from './openai.errors.js';

/**
 * OpenAI's event stream: bare `data: <json>` lines (no event names or ids, unlike our own SSE),
 * comments as heartbeats, and `data: [DONE]` at the end of a completed answer.
 */
class DataStream {
  readonly gone = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly reply: FastifyReply, headers: Record<string, string>) {
    reply.hijack();
    const raw = reply.raw;
    const inherited = Object.fromEntries(Object.entries(reply.getHeaders()).filter(([name]) => name !== 'content-length'));
    raw.on('close', () => this.gone.abort());
    raw.on('error', () => this.gone.abort());
    raw.writeHead(200, { ...inherited, ...headers, ...eventStreamHeaders });
    raw.flushHeaders();
    this.heartbeat = setInterval(() => this.write(formatComment('ping')), defaultHeartbeatMs);
    this.heartbeat.unref();
  }

  data(payload: unknown): void {
    this.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (!this.reply.raw.writableEnded && !this.reply.raw.destroyed) this.reply.raw.end();
  }

  private write(text: string): void {
    if (!this.reply.raw.writableEnded && !this.reply.raw.destroyed) this.reply.raw.write(text);
  }
}

/**
 * Starts the turn as a durable run (ChatRunner.startStream, as every streamed chat) and relays its
 * events as `chat.completion.chunk`s: the role, the text deltas, the finish reason, the usage chunk
 * when asked for, `[DONE]`. Tool calls and results stay on the server. A run that fails ends the
 * stream with an OpenAI error object; a client that hangs up cancels the run (it cannot re-attach).
 */
export async function streamCompletion(options: {
  runner: ChatRunner;
  runs: RunsService;
  actor: Actor;
  turn: ChatTurnRequest;
  reply: FastifyReply;
  identity: Omit<CompletionIdentity, 'id'>;
  includeUsage: boolean;
}): Promise<void> {
  const { runner, runs, actor, reply } = options;
  const { sessionId, runId } = await runner.startStream(actor, options.turn);
  const following = new AbortController();
  const events = await runs.follow(actor, runId, 0, following.signal);
  const stream = new DataStream(reply, { 'x-run-id': runId, 'x-session-id': sessionId });
  let ended = false;
  stream.gone.signal.addEventListener('abort', () => {
    following.abort();
    if (!ended) runs.cancel(actor, runId).catch(() => undefined);
  });
  // The client may have gone while the run was starting.
  if (reply.raw.destroyed) stream.gone.abort();
  const chunks = new ChunkBuilder({ id: `chatcmpl-${runId}`, ...options.identity }, options.includeUsage);
  stream.data(chunks.delta({ role: 'assistant', content: '' }));
  try {
    for await (const event of events) {
      const data = event.data as Record<string, unknown>;
      if (event.event === 'token') {
        stream.data(chunks.delta({ content: String(data.content ?? '') }));
      } else if (event.event === 'done') {
        ended = true;
        stream.data(chunks.delta({}, finishReasonOf(String(data.finish_reason ?? 'stop'))));
        if (options.includeUsage) stream.data(chunks.usage(data.token_usage as TokenUsage));
        stream.data('[DONE]');
      } else if (event.event === 'error') {
        ended = true;
        const error = new AppError({ code: String(data.error ?? 'INTERNAL_ERROR'), category: 'upstream', message: String(data.message ?? 'The run failed') });
        stream.data(toOpenAiError(error).body);
      }
    }
  } finally {
    ended = true;
    following.abort();
    stream.close();
  }
}
