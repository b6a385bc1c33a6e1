import { createAllowList } from './allow-list.js';
import { type DestinationPolicy, resolveDestination } from './destination.js';
import { type ExchangeResult, sendWithRedirects, toOutboundError } from './exchange.js';
import { OutboundNetworkError, OutboundRequestTimeout, OutboundResponseTooLarge } from './http-client.errors.js';
import { type NormalizedCall, normalizeFetchArguments } from './outgoing-request.js';
import { PinnedAgentPool } from './pinned-agent-pool.js';
import { type Resolver, systemResolver } from './resolver.js';
import { declaresMoreThan, decodeText, guardBody, readAllBytes } from './response-body.js';
import { parseOutboundUrl } from './target-url.js';

/** How a guarded HTTP client is set up; every limit has a safe default. */
export interface HttpClientOptions {
  /** Private destinations opened on purpose: host names, IP literals (each with an optional :port) or CIDRs. */
  allowedPrivateHosts?: readonly string[];
  /** Name resolution; defaults to the system resolver (dns.lookup with all answers). */
  resolver?: Resolver;
  /** Redirect hops followed before failing (default 5). */
  maxRedirects?: number;
  /** `request()`: the whole exchange; `fetch`: until the headers, then the longest silence between body chunks (default 30 s). */
  timeoutMs?: number;
  /** Largest response body accepted, declared or streamed (default 10 MiB). */
  maxResponseBytes?: number;
  /** Sent when the caller sets no User-Agent. */
  userAgent?: string;
}

/** Per-call limits accepted by `request()`. */
export interface RequestLimits {
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** A fully read response from `request()`. */
export interface HttpResponseData {
  status: number;
  statusText: string;
  headers: Headers;
  /** The final URL, after redirects (without credentials). */
  url: string;
  redirected: boolean;
  /** The body, at most `maxResponseBytes` long. */
  bytes: Uint8Array;
  /** The body decoded with the Content-Type charset (UTF-8 by default). */
  text(): string;
}

/** The one way the product makes outbound HTTP requests: SSRF-checked, pinned, redirect-checked and capped. */
export interface HttpClient {
  /** fetch-compatible, for the AI SDK providers and the MCP transport; bodies still stream. */
  fetch: typeof globalThis.fetch;
  /** Sends a request and reads the body within the caps. */
  request(url: string | URL, init?: RequestInit & RequestLimits): Promise<HttpResponseData>;
  /**
   * Checks a URL (scheme, host, resolved addresses) without connecting, to validate user input early;
   * resolves to the checked address, which a non-HTTP client (SMTP) can then connect to.
   */
  check(url: string | URL): Promise<{ address: string }>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

/** A timer that aborts the exchange with a typed timeout error; it can be re-armed for idle timeouts. */
class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** The caller's signal combined with this deadline. */
  readonly signal: AbortSignal;

  constructor(private readonly options: { host: string; timeoutMs: number; callerSignal: AbortSignal | undefined }) {
    const own = this.controller.signal;
    this.signal = options.callerSignal === undefined ? own : AbortSignal.any([options.callerSignal, own]);
  }

  arm(): void {
    this.disarm();
    const { host, timeoutMs } = this.options;
    this.timer = setTimeout(() => this.controller.abort(new OutboundRequestTimeout(host, timeoutMs)), timeoutMs);
    this.timer.unref();
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** One call in progress: what was asked, its deadline and its size cap. */
interface CallState {
  call: NormalizedCall;
  deadline: Deadline;
  maxResponseBytes: number;
}

/** What every call of one client shares. */
interface ClientSetup {
  policy: DestinationPolicy;
  pool: PinnedAgentPool;
  maxRedirects: number;
  userAgent: string | undefined;
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/** Creates a guarded client; see docs/http-client.md for what it refuses and why. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const setup: ClientSetup = {
    policy: { allowList: createAllowList(options.allowedPrivateHosts), resolver: options.resolver ?? systemResolver },
    pool: new PinnedAgentPool(),
    maxRedirects: options.maxRedirects ?? 5,
    userAgent: options.userAgent,
  };
  const defaultLimits = { timeoutMs: options.timeoutMs ?? 30_000, maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024 };

  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    runCall(setup, await normalizeFetchArguments(input, init), defaultLimits, toFetchResponse);

  return {
    fetch: guardedFetch as typeof globalThis.fetch,
    async request(url, init = {}) {
      const { timeoutMs = defaultLimits.timeoutMs, maxResponseBytes = defaultLimits.maxResponseBytes, ...fetchInit } = init;
      return runCall(setup, await normalizeFetchArguments(url, fetchInit), { timeoutMs, maxResponseBytes }, readWholeResponse);
    },
    async check(url) {
      const target = parseOutboundUrl(url);
      const deadline = new Deadline({ host: target.url.host, timeoutMs: defaultLimits.timeoutMs, callerSignal: undefined });
      deadline.arm();
      try {
        const destination = await resolveDestination(target, setup.policy, deadline.signal);
        return { address: destination.address };
      } catch (error) {
        throw toOutboundError(error, { host: target.url.host, callerSignal: undefined });
      } finally {
        deadline.disarm();
      }
    },
    close: () => setup.pool.close(),
  };
}

/** Runs one call: the guarded exchange under its deadline, then `finish` turns the result into what the caller gets. */
async function runCall<T>(
  setup: ClientSetup,
  call: NormalizedCall,
  limits: Required<RequestLimits>,
  finish: (result: ExchangeResult, state: CallState) => Promise<T>,
): Promise<T> {
  const host = safeHost(call.url);
  const callerSignal = call.request.signal;
  const deadline = new Deadline({ host, timeoutMs: limits.timeoutMs, callerSignal });
  if (setup.userAgent !== undefined && !call.request.headers.has('user-agent')) {
    call.request.headers.set('user-agent', setup.userAgent);
  }
  deadline.arm();
  try {
    const target = parseOutboundUrl(call.url);
    const { policy, pool, maxRedirects } = setup;
    const result = await sendWithRedirects(target, call.request, { policy, pool, maxRedirects, signal: deadline.signal, callerSignal });
    return await finish(result, { call, deadline, maxResponseBytes: limits.maxResponseBytes });
  } catch (error) {
    throw toOutboundError(error, { host, callerSignal });
  } finally {
    deadline.disarm();
  }
}

/** Reads a whole response body within the cap (the deadline keeps running: it bounds the whole exchange). */
async function readWholeResponse(result: ExchangeResult, state: CallState): Promise<HttpResponseData> {
  const { response, url, redirected } = result;
  const headers = new Headers([...response.headers]);
  const bytes = await readAllBytes(await capBody(result, state, false));
  return {
    status: response.status,
    statusText: response.statusText,
    headers,
    url: url.href,
    redirected,
    bytes,
    text: () => decodeText(bytes, headers.get('content-type')),
  };
}

/**
 * Refuses a body whose Content-Length is over the cap, and wraps the rest so streamed bytes are counted too;
 * with `idle`, the deadline is re-armed around each upstream read (fetch), otherwise it keeps running (request).
 */
async function capBody(result: ExchangeResult, state: CallState, idle: boolean): Promise<ReadableStream<Uint8Array> | null> {
  const { response, url } = result;
  const { deadline, maxResponseBytes } = state;
  if (declaresMoreThan(response.headers.get('content-length'), maxResponseBytes)) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundResponseTooLarge(url.host, maxResponseBytes);
  }
  if (response.body === null || nullBodyStatuses.has(response.status)) return null;
  const idleHooks = idle ? { onReadStart: () => deadline.arm(), onReadEnd: () => deadline.disarm() } : {};
  const errorContext = { host: url.host, callerSignal: state.call.request.signal };
  return guardBody(response.body, {
    maxBytes: maxResponseBytes,
    host: url.host,
    mapError: (error) => toOutboundError(deadline.signal.aborted ? deadline.signal.reason : error, errorContext),
    onSettled: () => deadline.disarm(),
    ...idleHooks,
  });
}

/** Re-wraps an undici response as a global Response whose body is size-capped and idle-timed. */
async function toFetchResponse(result: ExchangeResult, state: CallState): Promise<Response> {
  const { response, url, redirected } = result;
  if (response.status < 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new OutboundNetworkError(url.host, { message: `unsupported informational status ${response.status}` });
  }
  const body = await capBody(result, state, true);
  const headers = new Headers([...response.headers]);
  const wrapped = new Response(body, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(wrapped, 'url', { value: url.href });
  Object.defineProperty(wrapped, 'redirected', { value: redirected });
  return wrapped;
}

/** The host of a URL for error messages, or '' when it does not parse (never the credentials). */
function safeHost(url: string | URL): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
