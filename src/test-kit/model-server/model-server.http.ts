/**
 * Low-level HTTP plumbing for the model server: reading bodies, pacing, and writing JSON or SSE
 * while honouring a client that goes away mid-reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderErrorBody, type ErrorReply } from './model-server.script.js';

/** One request/response pair in flight, with a signal that fires when the client goes away. */
export interface Exchange {
  response: ServerResponse;
  signal: AbortSignal;
  /** Destroys the connection on purpose, so the close is not mistaken for a client abort. */
  breakConnection: () => void;
}

/** Reads a request body fully as UTF-8 text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Waits, resolving false instead of throwing when the client leaves first so callers just stop. */
export async function pause(milliseconds: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (!milliseconds || milliseconds <= 0) return true;
  try {
    await sleep(milliseconds, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Writes a whole JSON response. */
export function sendJson(
  exchange: Exchange,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  if (exchange.signal.aborted) return;
  const text = JSON.stringify(body);
  exchange.response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  exchange.response.end(text);
}

/** Writes an OpenAI-style error response, with `Retry-After` when the error scripts one. */
export function sendError(exchange: Exchange, error: ErrorReply['error'], headers: Record<string, string> = {}): void {
  const retryAfter: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
  sendJson(exchange, error.status, renderErrorBody(error), { ...headers, ...retryAfter });
}

/** Sends the status line and headers of an SSE stream. */
export function openEventStream(exchange: Exchange, headers: Record<string, string> = {}): void {
  exchange.response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
}

/**
 * Writes SSE `data:` events with a pause between them; resolves false when the client left
 * before every event was written, so the caller knows not to end the response.
 */
export async function writeEvents(
  exchange: Exchange,
  payloads: string[],
  chunkDelayMs: number | undefined,
): Promise<boolean> {
  for (const [index, payload] of payloads.entries()) {
    if (index > 0 && !(await pause(chunkDelayMs, exchange.signal))) return false;
    if (exchange.signal.aborted) return false;
    exchange.response.write(`data: ${payload}\n\n`);
  }
  return !exchange.signal.aborted;
}
