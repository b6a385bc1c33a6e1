import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** How often a stream sends a heartbeat comment when the caller does not say. */
export const defaultHeartbeatMs = 15_000;

/** The headers every event stream answers with; they win over anything set on the reply before. */
export const eventStreamHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Without it nginx buffers the stream and the client sees nothing until the buffer fills.
  'x-accel-buffering': 'no',
});

/** Headers a streamed body cannot honour; node picks chunked transfer encoding itself. */
const droppedHeaders = new Set(['content-length', 'transfer-encoding']);

/** Settings of one event stream. */
export interface EventStreamOptions {
  /** Milliseconds between `: ping` comments; 0 turns the heartbeat off. Defaults to 15 s. */
  heartbeatMs?: number;
  /** The id of the first event sent without an explicit id (e.g. Last-Event-ID + 1 on replay). Defaults to 1. */
  startSequence?: number;
  /** Extra response headers, added to those already set on the reply. */
  headers?: Record<string, string>;
}

/** One open Server-Sent Events response. */
export interface EventStream {
  /** Writes one event; without `id` the next sequence number is used. False once the stream is closed. */
  send(event: string, data: unknown, id?: number): boolean;
  /** Writes a comment line, which clients ignore; false once the stream is closed. */
  comment(text: string): boolean;
  /** Ends the response and stops the heartbeat; calling it again does nothing. */
  close(): void;
  /** Aborted when the client goes away before the stream is closed, so upstream work can stop. */
  readonly signal: AbortSignal;
  /** True once the stream was closed by either side; sends are then ignored. */
  readonly closed: boolean;
}

/** Formats one event as its wire text: `event`, `id` and one-line JSON `data`, ended by a blank line. */
export function formatEvent(event: string, data: unknown, id: number): string {
  if (event.length === 0 || /[\r\n]/.test(event)) {
    throw new TypeError(`SSE event name must be one non-empty line, got ${JSON.stringify(event)}`);
  }
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`SSE event id must be a non-negative integer, got ${id}`);
  // JSON.stringify only puts raw line breaks between tokens, so turning them into spaces keeps the JSON the same.
  const json = (JSON.stringify(data) ?? 'null').replace(/\r\n|[\r\n]/g, ' ');
  return `event: ${event}\nid: ${id}\ndata: ${json}\n\n`;
}

/** Formats a comment; every line gets its own `:` so text with line breaks cannot forge a field. */
export function formatComment(text: string): string {
  return `${text
    .split(/\r\n|[\r\n]/)
    .map((line) => `: ${line}`)
    .join('\n')}\n\n`;
}

/** The reply's own headers (request id, security, CORS), then the caller's, then the SSE contract. */
function streamHeaders(reply: FastifyReply, extra: Record<string, string> | undefined): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && !droppedHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (!droppedHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  return { ...headers, ...eventStreamHeaders };
}

class ServerSentEventStream implements EventStream {
  private readonly abortController = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId: number;
  private isClosed = false;

  constructor(
    private readonly raw: ServerResponse,
    options: EventStreamOptions,
  ) {
    this.nextId = options.startSequence ?? 1;
    raw.on('close', this.onResponseClose);
    // Without a listener a failed socket write would be an uncaught 'error' and take the process down.
    raw.on('error', this.onResponseClose);
    const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.comment('ping'), heartbeatMs);
      this.heartbeat.unref();
    }
    // The client may have left while the handler was still getting ready.
    if (raw.destroyed || raw.socket?.destroyed === true) this.onResponseClose();
  }

  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(event: string, data: unknown, id?: number): boolean {
    if (this.isClosed) return false;
    const sequence = id ?? this.nextId;
    const text = formatEvent(event, data, sequence);
    this.nextId = sequence + 1;
    return this.write(text);
  }

  comment(text: string): boolean {
    if (this.isClosed) return false;
    return this.write(formatComment(text));
  }

  close(): void {
    if (this.isClosed) return;
    this.stop();
    if (!this.raw.writableEnded && !this.raw.destroyed) this.raw.end();
  }

  /** Writes even when the socket buffer is full: events are small, and dropping one would corrupt a replay. */
  private write(text: string): boolean {
    if (this.raw.writableEnded || this.raw.destroyed) {
      this.onResponseClose();
      return false;
    }
    this.raw.write(text);
    return true;
  }

  private stop(): void {
    this.isClosed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** The response closed or failed; unless we ended it ourselves, the client is gone. */
  private readonly onResponseClose = (): void => {
    if (this.isClosed) return;
    this.stop();
    this.abortController.abort();
  };
}

/**
 * Takes the response over from fastify and opens a Server-Sent Events stream on it: the headers
 * (with those already set on the reply) go out at once, then events, comments and heartbeats.
 */
export function openEventStream(reply: FastifyReply, options: EventStreamOptions = {}): EventStream {
  const headers = streamHeaders(reply, options.headers);
  // Fastify would otherwise send its own response when the handler returns.
  reply.hijack();
  const raw = reply.raw;
  const stream = new ServerSentEventStream(raw, options);
  if (!stream.closed) {
    raw.writeHead(200, headers);
    // So the client sees the stream open (and can show "connected") before the first event.
    raw.flushHeaders();
  }
  return stream;
}
