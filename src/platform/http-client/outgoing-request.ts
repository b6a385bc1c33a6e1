import type { OutboundTarget } from './target-url.js';

/** A request body the guard can send (and, except for a stream, send again after a 307/308). */
export type OutgoingBody = string | Uint8Array | ArrayBuffer | Blob | URLSearchParams | ReadableStream<Uint8Array>;

/** How redirects are handled, as in fetch: follow (checked hop by hop), hand back the 3xx, or fail. */
export type RedirectMode = 'follow' | 'manual' | 'error';

/** One hop's request; the redirect logic derives the next hop's request from it. */
export interface OutgoingRequest {
  method: string;
  headers: Headers;
  body: OutgoingBody | null;
  redirect: RedirectMode;
  signal: AbortSignal | undefined;
}

/** The URL and request a fetch-style call asked for, normalised. */
export interface NormalizedCall {
  url: string | URL;
  request: OutgoingRequest;
}

const redirectModes: readonly string[] = ['follow', 'manual', 'error'];

/**
 * Turns fetch arguments into one request shape: a Request input is read (its body buffered, so a redirect can
 * resend it), `init` overrides it, and a FormData body is encoded once into bytes plus its multipart content type.
 */
export async function normalizeFetchArguments(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<NormalizedCall> {
  const fromRequest = input instanceof Request ? input : null;
  const headers = new Headers(init?.headers ?? fromRequest?.headers);
  let body: OutgoingBody | null = null;
  if (init?.body !== undefined && init.body !== null) {
    body = await normalizeBody(init.body, headers);
  } else if (init?.body === undefined && fromRequest?.body != null) {
    body = new Uint8Array(await fromRequest.arrayBuffer());
  }
  const redirect = init?.redirect ?? fromRequest?.redirect ?? 'follow';
  return {
    url: fromRequest?.url ?? (input as string | URL),
    request: {
      method: (init?.method ?? fromRequest?.method ?? 'GET').toUpperCase(),
      headers,
      body,
      redirect: redirectModes.includes(redirect) ? (redirect as RedirectMode) : 'follow',
      signal: init?.signal ?? fromRequest?.signal ?? undefined,
    },
  };
}

async function normalizeBody(body: NonNullable<RequestInit['body']>, headers: Headers): Promise<OutgoingBody> {
  if (body instanceof FormData) {
    // The undici package and Node's built-in fetch have different FormData classes; bytes travel between them safely.
    const encoded = new Response(body);
    const contentType = encoded.headers.get('content-type');
    if (contentType !== null && !headers.has('content-type')) headers.set('content-type', contentType);
    return new Uint8Array(await encoded.arrayBuffer());
  }
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return body as OutgoingBody;
}

/** Adds the URL's credentials as Basic authentication, unless the caller already set an Authorization header. */
export function applyUrlCredentials(request: OutgoingRequest, target: OutboundTarget): void {
  if (target.credentials === null || request.headers.has('authorization')) return;
  const token = Buffer.from(`${target.credentials.username}:${target.credentials.password}`, 'utf8').toString('base64');
  request.headers.set('authorization', `Basic ${token}`);
}

const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
const credentialHeaders = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * The request for the next hop, following the fetch standard: 303 (except for HEAD), and 301/302 after a POST,
 * become a body-less GET; a hop to another origin loses Authorization, Proxy-Authorization and Cookie.
 */
export function requestForRedirect(
  request: OutgoingRequest,
  hop: { status: number; from: URL; to: URL },
): OutgoingRequest {
  const { status, from, to } = hop;
  const headers = new Headers(request.headers);
  let { method, body } = request;
  const becomesGet = (status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  if (becomesGet) {
    method = 'GET';
    body = null;
    for (const name of bodyHeaders) headers.delete(name);
  }
  if (from.origin !== to.origin) {
    for (const name of credentialHeaders) headers.delete(name);
  }
  return { ...request, method, headers, body };
}

/** True when the body cannot be sent a second time (a stream is consumed by the first hop). */
export function isSingleUseBody(body: OutgoingBody | null): boolean {
  return body instanceof ReadableStream;
}
