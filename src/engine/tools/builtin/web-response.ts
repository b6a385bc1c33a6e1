import type { HttpClient } from '../../../platform/http-client/index.js';
import { asToolError, ToolError } from '../tool.js';

/** One outbound call of a web tool: what to send and the limits it runs under. */
export interface WebCall {
  method?: string;
  headers?: Headers;
  body?: string;
  /** The whole exchange, body included. */
  timeoutMs: number;
  /** Bytes of the body kept; the rest is not downloaded and `truncated` is set. */
  maxBytes: number;
  /** The caller's signal (the run or the request that called the tool). */
  signal: AbortSignal;
}

/** A response whose body was read up to the byte cap. */
export interface WebResource {
  status: number;
  statusText: string;
  /** The final URL, after redirects. */
  url: string;
  redirected: boolean;
  headers: Headers;
  bytes: Uint8Array;
  /** True when the body was longer than the cap and only its start was read. */
  truncated: boolean;
}

/**
 * Sends a request through the guarded client and reads at most `maxBytes` of the body, so a large page is
 * truncated instead of refused. Failures become tool errors that keep the client's code (SSRF_BLOCKED ...).
 */
export async function fetchWebResource(http: HttpClient, url: string | URL, call: WebCall): Promise<WebResource> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([call.signal, timeout]);
  const failure = (error: unknown) => toWebToolError(error, { callerSignal: call.signal, timeout, timeoutMs: call.timeoutMs });
  try {
    const response = await http.fetch(url, { method: call.method ?? 'GET', headers: call.headers, body: call.body, signal });
    const { bytes, truncated } = await readCapped(response.body, call.maxBytes);
    return {
      status: response.status,
      statusText: response.statusText,
      url: response.url,
      redirected: response.redirected,
      headers: response.headers,
      bytes,
      truncated,
    };
  } catch (error) {
    throw failure(error);
  }
}

/** Reads a body until it ends or passes `maxBytes`, then stops the download. */
async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { bytes: concat(chunks, size), truncated: false };
      if (size + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - size));
        await reader.cancel().catch(() => undefined);
        return { bytes: concat(chunks, maxBytes), truncated: true };
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Maps a failed outbound call to what the model sees: the caller's own abort passes through untouched (the run is
 * being cancelled, there is nobody to tell), our timeout is HTTP_CLIENT_TIMEOUT, and the client's typed errors keep
 * their code and their message, which names the host but never credentials.
 */
export function toWebToolError(
  error: unknown,
  context: { callerSignal: AbortSignal; timeout?: AbortSignal; timeoutMs?: number },
): unknown {
  if (error instanceof ToolError) return error;
  if (context.callerSignal.aborted) return context.callerSignal.reason;
  if (context.timeout?.aborted === true) {
    return new ToolError(`The request timed out after ${context.timeoutMs} ms`, 'HTTP_CLIENT_TIMEOUT');
  }
  return asToolError(error, 'WEB_REQUEST_FAILED');
}

/** Parses a URL a model gave, accepting only http and https, or fails with a tool error that says why. */
export function parseWebUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ToolError(`"${text}" is not a valid absolute URL (expected http:// or https://)`, 'WEB_INVALID_URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ToolError(`Only http and https URLs can be fetched, not ${url.protocol}`, 'WEB_INVALID_URL');
  }
  return url;
}

/** The media type of a Content-Type header, lower-cased and without parameters ('' when absent). */
export function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** True for media types whose body is text: text/*, JSON, XML and JavaScript in their various spellings. */
export function isTextualMediaType(mediaType: string): boolean {
  return (
    mediaType.startsWith('text/') ||
    /^application\/([\w.+-]+\+)?(json|xml)$/.test(mediaType) ||
    ['application/javascript', 'application/x-javascript', 'application/ecmascript', 'application/x-ndjson'].includes(mediaType)
  );
}

/**
 * Decodes a body as text. Steps: a byte-order mark wins; then the Content-Type charset; for HTML and XML a
 * `<meta charset>` or `<?xml encoding?>` near the start; UTF-8 otherwise. An unknown charset label falls
 * back to UTF-8. A multi-byte character cut by truncation is dropped rather than shown as a replacement.
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const label = byteOrderMarkCharset(bytes) ?? charsetParameter(contentType) ?? metaCharset(bytes, contentType) ?? 'utf-8';
  return createDecoder(label).decode(bytes, { stream: true });
}

function createDecoder(label: string) {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

function byteOrderMarkCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function charsetParameter(contentType: string | null): string | undefined {
  return /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1];
}

function metaCharset(bytes: Uint8Array, contentType: string | null): string | undefined {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType !== '' && !mediaType.includes('html') && !mediaType.includes('xml')) return undefined;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  return /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1];
}
