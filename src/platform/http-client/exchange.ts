import { fetch as undiciFetch, type RequestInit as UndiciRequestInit, type Response as UndiciResponse } from 'undici';
import { type DestinationPolicy, resolveDestination } from './destination.js';
import {
  OutboundNetworkError,
  OutboundRequestError,
  OutboundRequestBlocked,
  OutboundTooManyRedirects,
  findSystemCode,
} from './http-client.errors.js';
import { type OutgoingRequest, applyUrlCredentials, isSingleUseBody, requestForRedirect } from './outgoing-request.js';
import type { PinnedAgentPool } from './pinned-agent-pool.js';
import { type OutboundTarget, parseOutboundUrl } from './target-url.js';

/** What a guarded exchange needs besides the request itself. */
export interface ExchangeContext {
  policy: DestinationPolicy;
  pool: PinnedAgentPool;
  maxRedirects: number;
  /** The caller's signal combined with the deadline; aborting it ends the exchange. */
  signal: AbortSignal;
  /** The caller's own signal, to tell its abort apart from ours. */
  callerSignal: AbortSignal | undefined;
}

/** The final response of an exchange and where it came from. */
export interface ExchangeResult {
  response: UndiciResponse;
  url: URL;
  redirected: boolean;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Maps any failure to what callers may see: our typed errors pass through, the caller's abort keeps its own
 * reason (as fetch does), and everything else becomes an OutboundNetworkError with the undici error as its cause.
 */
export function toOutboundError(error: unknown, context: { host: string; callerSignal: AbortSignal | undefined }): unknown {
  if (error instanceof OutboundRequestError) return error;
  if (context.callerSignal?.aborted === true) return context.callerSignal.reason;
  return new OutboundNetworkError(context.host, { systemCode: findSystemCode(error), cause: error });
}

/** Sends one hop to an already pinned destination; undici never follows redirects itself. */
async function sendOnce(target: OutboundTarget, request: OutgoingRequest, context: ExchangeContext): Promise<UndiciResponse> {
  const destination = await resolveDestination(target, context.policy, context.signal);
  const init: UndiciRequestInit = {
    method: request.method,
    headers: [...request.headers],
    body: request.body as UndiciRequestInit['body'],
    redirect: 'manual',
    signal: context.signal,
    dispatcher: context.pool.agentFor(destination),
  };
  if (isSingleUseBody(request.body)) init.duplex = 'half';
  try {
    return await undiciFetch(target.url, init);
  } catch (error) {
    // Our deadline aborts with a typed error as the reason; fetch rejects with exactly that reason.
    const reason: unknown = context.signal.aborted ? context.signal.reason : error;
    throw toOutboundError(reason, { host: target.url.host, callerSignal: context.callerSignal });
  }
}

function nextTarget(location: string, current: URL): OutboundTarget {
  let resolved: URL;
  try {
    resolved = new URL(location, current);
  } catch {
    throw new OutboundRequestBlocked({ reason: 'invalid-url', host: '', detail: 'redirect location' });
  }
  // Credentials in a Location header are never used.
  return { ...parseOutboundUrl(resolved), credentials: null };
}

/**
 * Sends a request, following redirects by hand.
 *
 * Steps, for each hop: resolve and check the destination with the full policy, pin the connection to the checked
 * address, send with `redirect: 'manual'`; on a 301/302/303/307/308 with a Location, discard the body, count the
 * hop against `maxRedirects`, derive the next request (method change, cross-origin credential drop), and repeat.
 */
export async function sendWithRedirects(
  first: OutboundTarget,
  initial: OutgoingRequest,
  context: ExchangeContext,
): Promise<ExchangeResult> {
  let target = first;
  let request = initial;
  applyUrlCredentials(request, target);
  for (let redirects = 0; ; redirects += 1) {
    const response = await sendOnce(target, request, context);
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null || request.redirect === 'manual') {
      return { response, url: target.url, redirected: redirects > 0 };
    }
    await response.body?.cancel().catch(() => undefined);
    if (request.redirect === 'error' || redirects >= context.maxRedirects) {
      throw new OutboundTooManyRedirects(first.url.host, request.redirect === 'error' ? 0 : context.maxRedirects);
    }
    const next = nextTarget(location, target.url);
    const nextRequest = requestForRedirect(request, { status: response.status, from: target.url, to: next.url });
    if (nextRequest.body !== null && isSingleUseBody(nextRequest.body)) {
      throw new OutboundNetworkError(next.url.host, { message: 'cannot resend a streamed body after a redirect' });
    }
    target = next;
    request = nextRequest;
  }
}
