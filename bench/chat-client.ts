/**
 * The client side of bench:chat: timed HTTP round trips with the global fetch (undici's default
 * agent, keep-alive), the same client for Tiangong and for the model server it is compared with.
 */
import { BenchFailure } from './bench-kit.js';

/** One POST as the bench sends it again and again. */
export interface PostRequest {
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function describeFailure(request: PostRequest, status: number, text: string): BenchFailure {
  return new BenchFailure(`${request.name} (${request.url}) answered ${status}: ${text.slice(0, 300)}`);
}

/**
 * Sends the POST and reads the whole answer; resolves with the milliseconds from just before the
 * request to the last byte of the body, then hands the parsed JSON to `check` (outside the timing).
 */
export async function timedPost(request: PostRequest, check: (json: unknown) => void): Promise<number> {
  const startedAt = performance.now();
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  const elapsedMs = performance.now() - startedAt;
  if (response.status < 200 || response.status > 299) throw describeFailure(request, response.status, text);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BenchFailure(`${request.name} answered something that is not JSON: ${text.slice(0, 300)}`);
  }
  check(json);
  return elapsedMs;
}

/** Sends the POST and returns the parsed JSON answer (for set-up calls). */
export async function postJson(request: PostRequest): Promise<unknown> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) throw describeFailure(request, response.status, text);
  return JSON.parse(text) as unknown;
}

/** How to read one kind of event stream. */
export interface StreamReading {
  /** True once `received` (everything so far) holds the first piece of answer text. */
  hasFirstToken(received: string): boolean;
  /** Throws BenchFailure when the whole body is not a successful stream. */
  check(body: string): void;
}

/**
 * Sends the POST of a streamed answer and resolves with the milliseconds from just before the
 * request to the chunk that carried the first token; the rest of the stream is read (untimed) so
 * the connection is free for the next request and the server finishes its work.
 */
export async function timeToFirstToken(request: PostRequest, reading: StreamReading): Promise<number> {
  const startedAt = performance.now();
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  if (response.status !== 200 || !response.body) throw describeFailure(request, response.status, await response.text());
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = '';
  let firstTokenMs: number | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += decoder.decode(value, { stream: true });
    if (firstTokenMs === undefined && reading.hasFirstToken(received)) firstTokenMs = performance.now() - startedAt;
  }
  received += decoder.decode();
  reading.check(received);
  if (firstTokenMs === undefined) throw new BenchFailure(`${request.name}: the stream ended without a token: ${received.slice(0, 300)}`);
  return firstTokenMs;
}
