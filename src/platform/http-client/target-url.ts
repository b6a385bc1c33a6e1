import { normalizeHostname } from './allow-list.js';
import { OutboundRequestBlocked } from './http-client.errors.js';
import { type IpAddress, parseIpAddress } from './ip-address.js';

/** A URL that passed the syntactic checks, split into what the guard needs. */
export interface OutboundTarget {
  /** The URL to send, without any user name or password. */
  url: URL;
  /** Lowercase host name without brackets or trailing dot (an IP literal in canonical WHATWG form, or a DNS name). */
  hostname: string;
  /** The port actually used (the scheme default when the URL has none). */
  port: number;
  /** The address when the host is an IP literal; null for a DNS name. */
  literal: IpAddress | null;
  /** Credentials written in the URL, percent-decoded; they travel as a Basic Authorization header. */
  credentials: { username: string; password: string } | null;
}

const defaultPorts: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** True for `localhost` and every name under `.localhost`, which resolvers answer with loopback (RFC 6761). */
export function isLocalhostName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

/**
 * Parses and checks the shape of an outbound URL: WHATWG parsing (which already turns decimal, octal, hex, short,
 * percent-encoded and full-width IPv4 spellings into dotted decimal and compresses IPv6), http/https only.
 * Address checks come later, once the host is resolved.
 */
export function parseOutboundUrl(input: string | URL): OutboundTarget {
  let url: URL;
  try {
    url = new URL(typeof input === 'string' ? input : input.href);
  } catch {
    throw new OutboundRequestBlocked({ reason: 'invalid-url', host: '' });
  }
  const defaultPort = defaultPorts[url.protocol];
  if (defaultPort === undefined) {
    throw new OutboundRequestBlocked({ reason: 'unsupported-scheme', host: url.host, detail: url.protocol });
  }
  const bracketed = url.hostname.startsWith('[') && url.hostname.endsWith(']');
  const hostname = normalizeHostname(bracketed ? url.hostname.slice(1, -1) : url.hostname);
  if (hostname === '') throw new OutboundRequestBlocked({ reason: 'invalid-url', host: '' });
  const literal = parseIpAddress(hostname);
  if (bracketed && literal === null) throw new OutboundRequestBlocked({ reason: 'invalid-url', host: url.host });
  const credentials =
    url.username === '' && url.password === ''
      ? null
      : { username: safeDecode(url.username), password: safeDecode(url.password) };
  url.username = '';
  url.password = '';
  return { url, hostname, port: url.port === '' ? defaultPort : Number(url.port), literal, credentials };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
