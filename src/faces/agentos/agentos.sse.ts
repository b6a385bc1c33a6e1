import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';

/** One AgentOS event: its name is also its `event` field. */
export type AgnoEvent = { event: string } & Record<string, unknown>;

/** An open AgentOS event stream. */
export interface AgnoStream {
  send(event: AgnoEvent): void;
  close(): void;
  /** Aborted when the client leaves. */
  readonly signal: AbortSignal;
}

/** One frame as AgentOS writes it: `event:` and one-line compact JSON `data:`, no `id:` (agno >= 2.0.1). */
export function formatAgnoEvent(event: AgnoEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the data is one line.
  return `event: ${event.event}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Takes the response over and opens the stream: 200 `text/event-stream; charset=utf-8` with the
 * headers already on the reply (CORS, request id). No heartbeat: AgentOS sends none on run streams.
 */
export function openAgnoStream(reply: FastifyReply): AgnoStream {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && name !== 'content-length') headers[name] = value;
  }
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['x-accel-buffering'] = 'no';
  reply.hijack();
  const raw = reply.raw;
  const controller = new AbortController();
  let closed = false;
  const onClose = () => {
    if (closed) return;
    closed = true;
    controller.abort();
  };
  raw.on('close', onClose);
  raw.on('error', onClose);
  raw.writeHead(200, headers);
  raw.flushHeaders();
  return {
    signal: controller.signal,
    send(event) {
      if (closed || raw.writableEnded || raw.destroyed) return;
      raw.write(formatAgnoEvent(event));
    },
    close() {
      if (closed) return;
      closed = true;
      if (!raw.writableEnded && !raw.destroyed) raw.end();
    },
  };
}
