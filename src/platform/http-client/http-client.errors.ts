import { AppError } from '../errors/app-error.js';
import type { AddressBlockReason } from './address-policy.js';

/** Why an outbound request was refused before any connection was made. */
export type OutboundBlockReason =
  | AddressBlockReason
  | 'invalid-url'
  | 'unsupported-scheme'
  | 'localhost-name'
  | 'no-address';

const reasonDescriptions: Readonly<Record<OutboundBlockReason, string>> = {
  'unspecified': 'the unspecified address',
  'loopback': 'a loopback address',
  'private': 'a private network address',
  'link-local': 'a link-local address',
  'site-local': 'a site-local address',
  'cloud-metadata': 'a cloud metadata endpoint',
  'shared-address-space': 'a carrier-grade NAT address',
  'benchmarking': 'a benchmarking address',
  'documentation': 'a documentation address',
  'multicast': 'a multicast address',
  'broadcast': 'the broadcast address',
  'reserved': 'a reserved address',
  'teredo': 'a Teredo tunnel address',
  'nat64-local': 'a local NAT64 address',
  'invalid-address': 'an address that is not a valid IP',
  'invalid-url': 'an invalid URL',
  'unsupported-scheme': 'a scheme other than http or https',
  'localhost-name': 'a localhost name',
  'no-address': 'a name with no address',
};

/** What every outbound-request failure has in common: an AppError whose message is safe to show a user. */
export class OutboundRequestError extends AppError {}

/** The destination is not allowed (SSRF guard); nothing was sent. */
export class OutboundRequestBlocked extends OutboundRequestError {
  readonly reason: OutboundBlockReason;
  /** The host as written in the URL (never the credentials). */
  readonly host: string;

  constructor(options: { reason: OutboundBlockReason; host: string; detail?: string }) {
    const target = options.host === '' ? 'the URL' : options.host;
    super({
      code: 'SSRF_BLOCKED',
      category: 'forbidden',
      message: `Outbound request to ${target} refused: ${reasonDescriptions[options.reason]}${options.detail === undefined ? '' : ` (${options.detail})`}`,
      details: { reason: options.reason, host: options.host },
    });
    this.reason = options.reason;
    this.host = options.host;
  }
}

/** The request (or, for `request()`, the whole exchange including the body) took longer than allowed. */
export class OutboundRequestTimeout extends OutboundRequestError {
  readonly timeoutMs: number;

  constructor(host: string, timeoutMs: number) {
    super({
      code: 'HTTP_CLIENT_TIMEOUT',
      category: 'unavailable',
      retryable: true,
      message: `Request to ${host} timed out after ${timeoutMs} ms`,
      details: { host, timeoutMs },
    });
    this.timeoutMs = timeoutMs;
  }
}

/** The response body is larger than the configured cap (declared or counted while streaming). */
export class OutboundResponseTooLarge extends OutboundRequestError {
  readonly limitBytes: number;

  constructor(host: string, limitBytes: number) {
    super({
      code: 'HTTP_CLIENT_RESPONSE_TOO_LARGE',
      category: 'upstream',
      message: `Response from ${host} is larger than ${limitBytes} bytes`,
      details: { host, limitBytes },
    });
    this.limitBytes = limitBytes;
  }
}

/** The redirect chain is longer than allowed (or redirects were refused with `redirect: 'error'`). */
export class OutboundTooManyRedirects extends OutboundRequestError {
  readonly maxRedirects: number;

  constructor(host: string, maxRedirects: number) {
    super({
      code: 'HTTP_CLIENT_TOO_MANY_REDIRECTS',
      category: 'upstream',
      message: `Request to ${host} was redirected more than ${maxRedirects} times`,
      details: { host, maxRedirects },
    });
    this.maxRedirects = maxRedirects;
  }
}

/** The host could not be reached (DNS failure, refused or reset connection, TLS failure...). */
export class OutboundNetworkError extends OutboundRequestError {
  /** The system or undici error code when there is one (ENOTFOUND, ECONNREFUSED, UND_ERR_SOCKET, ...). */
  readonly systemCode: string | undefined;

  constructor(host: string, options: { systemCode?: string; message?: string; cause?: unknown }) {
    const because = options.message ?? options.systemCode ?? 'network error';
    super({
      code: 'HTTP_CLIENT_NETWORK_ERROR',
      category: 'unavailable',
      retryable: true,
      message: `Could not reach ${host}: ${because}`,
      details: { host, ...(options.systemCode === undefined ? {} : { systemCode: options.systemCode }) },
      cause: options.cause,
    });
    this.systemCode = options.systemCode;
  }
}

/** Finds the first error code (ECONNREFUSED, UND_ERR_SOCKET, CERT_HAS_EXPIRED...) along an error's `cause` chain. */
export function findSystemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
