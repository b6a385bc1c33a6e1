import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The header that carries the request id in and out. */
export const requestIdHeader = 'x-request-id';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reuses the caller's X-Request-Id when it is a short token (so a trace spans services),
 * otherwise makes a new one; anything else could inject text into log lines.
 */
export function generateRequestId(request: IncomingMessage): string {
  const incoming = request.headers[requestIdHeader];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && acceptable.test(value) ? value : randomUUID();
}
