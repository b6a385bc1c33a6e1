import { z } from 'zod';
import type { HttpClient } from '../../../platform/http-client/index.js';
import { defineTool, ToolError } from '../tool.js';
import type { RegisteredTool } from '../tool-registry.js';
import { webReadingTools } from './web-reading.tools.js';
import { decodeBody, fetchWebResource, isTextualMediaType, mediaTypeOf, parseWebUrl, type WebResource } from './web-response.js';
import { webSearchTool, type WebSearchSettings } from './web-search.js';

/** The body `http_request` returns is cut after this many bytes. */
export const maxHttpResponseBytes = 100 * 1024;
const maxRequestBodyBytes = 1024 * 1024;

/** Headers the client sets itself or that would corrupt the exchange if a model set them. */
const reservedRequestHeaders = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect']);

/** Response headers worth showing a model; cookies and server internals stay out. */
const shownResponseHeaders = new Set([
  'content-type',
  'content-length',
  'content-language',
  'content-disposition',
  'content-encoding',
  'cache-control',
  'etag',
  'last-modified',
  'expires',
  'date',
  'age',
  'location',
  'retry-after',
  'link',
  'allow',
  'www-authenticate',
  'x-request-id',
]);

function isShownHeader(name: string): boolean {
  return shownResponseHeaders.has(name) || name.startsWith('x-ratelimit-') || name.startsWith('ratelimit');
}

function buildRequestHeaders(headers: Record<string, string> | undefined): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (reservedRequestHeaders.has(name.toLowerCase())) throw new ToolError(`The ${name} header is set by the client and cannot be given`);
    try {
      result.append(name, value);
    } catch {
      throw new ToolError(`Invalid header ${JSON.stringify(name)}: names are tokens and values cannot contain line breaks`);
    }
  }
  return result;
}

/** The request body as text; a JSON value is serialised and labelled unless the caller chose a content type. */
function encodeBody(body: unknown, method: string, headers: Headers): string | undefined {
  if (body === undefined) return undefined;
  if (method === 'GET' || method === 'HEAD') throw new ToolError(`A ${method} request cannot have a body`);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (Buffer.byteLength(text) > maxRequestBodyBytes) throw new ToolError(`The body is larger than ${maxRequestBodyBytes} bytes`);
  if (!headers.has('content-type')) headers.set('content-type', typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
  return text;
}

/** The response body as a model can use it: parsed JSON, text, or nothing for empty and binary bodies. */
function describeBody(resource: WebResource) {
  const contentType = resource.headers.get('content-type');
  const mediaType = mediaTypeOf(contentType);
  if (resource.bytes.length === 0) return { body_format: 'empty' as const, body: null };
  const binary = mediaType === '' || mediaType === 'application/octet-stream' ? resource.bytes.subarray(0, 1_024).includes(0) : !isTextualMediaType(mediaType);
  if (binary) return { body_format: 'binary' as const, body: null };
  const text = decodeBody(resource.bytes, contentType);
  if (mediaType.includes('json') && !resource.truncated) {
    try {
      return { body_format: 'json' as const, body: JSON.parse(text) as unknown };
    } catch {
      // A server that labels broken JSON as JSON still said something: show it as text.
    }
  }
  return { body_format: 'text' as const, body: text };
}

function httpRequestTool(http: HttpClient) {
  return defineTool({
    name: 'http_request',
    category: 'web',
    description:
      'Sends an HTTP request to an API and returns the status, selected response headers and the body (parsed when ' +
      `it is JSON, text otherwise, nothing for binary content; cut after ${maxHttpResponseBytes / 1024} KB with ` +
      '`truncated: true`). Error statuses (4xx, 5xx) are returned, not raised. Private and internal addresses are ' +
      'refused. Use web_fetch instead to read a web page.',
    inputSchema: z.object({
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET').describe('The HTTP method'),
      url: z.string().min(1).max(8_192).describe('Absolute http:// or https:// URL'),
      headers: z.record(z.string(), z.string().max(8_192)).optional().describe('Request headers, e.g. {"accept": "application/json"}'),
      query: z
        .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
        .optional()
        .describe('Query parameters added to the URL, e.g. {"q": "tea", "page": 2}'),
      body: z
        .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
        .optional()
        .describe('A string is sent as it is (text/plain unless a content-type header says otherwise); an object or array is sent as JSON'),
      timeout_ms: z.number().int().min(1_000).max(120_000).default(30_000).describe('Time allowed for the whole exchange, in milliseconds'),
    }),
    async execute(input, context) {
      const url = parseWebUrl(input.url);
      for (const [name, value] of Object.entries(input.query ?? {})) url.searchParams.append(name, String(value));
      const headers = buildRequestHeaders(input.headers);
      const body = encodeBody(input.body, input.method, headers);
      const resource = await fetchWebResource(http, url, {
        method: input.method,
        headers,
        body,
        timeoutMs: input.timeout_ms,
        maxBytes: maxHttpResponseBytes,
        signal: context.signal,
      });
      return {
        status: resource.status,
        status_text: resource.statusText,
        ok: resource.status < 400,
        url: resource.url,
        redirected: resource.redirected,
        headers: Object.fromEntries([...resource.headers].filter(([name]) => isShownHeader(name))),
        ...describeBody(resource),
        body_bytes: resource.bytes.length,
        truncated: resource.truncated,
      };
    },
  });
}

/** Query parameters as an object; a name given more than once maps to the list of its values. */
function queryParameters(searchParams: URLSearchParams): Record<string, string | string[]> {
  const parameters: Record<string, string | string[]> = {};
  for (const name of new Set(searchParams.keys())) {
    const values = searchParams.getAll(name);
    parameters[name] = values.length === 1 ? values[0]! : values;
  }
  return parameters;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const urlParse = defineTool({
  name: 'url_parse',
  category: 'web',
  description:
    'Splits a URL into its parts (scheme, host, port, path and its segments, query parameters decoded, fragment) ' +
    'without fetching it. With `base`, a relative reference is resolved first. The password of a URL is never returned.',
  inputSchema: z.object({
    url: z.string().min(1).max(8_192).describe('The URL, absolute or relative to `base`'),
    base: z.string().max(8_192).optional().describe('A base URL to resolve a relative `url` against'),
  }),
  async execute({ url, base }) {
    let parsed: URL;
    try {
      parsed = new URL(url.trim(), base?.trim());
    } catch {
      throw new ToolError(`"${url}" is not a valid URL${base === undefined ? ' (a relative URL needs `base`)' : ` relative to "${base}"`}`, 'URL_INVALID');
    }
    const defaultPorts: Record<string, string> = { 'http:': '80', 'https:': '443', 'ftp:': '21', 'ws:': '80', 'wss:': '443' };
    const port = parsed.port || defaultPorts[parsed.protocol] || '';
    const shown = new URL(parsed.href);
    if (shown.password !== '') shown.password = '***';
    return {
      href: shown.href,
      scheme: parsed.protocol.replace(/:$/, ''),
      username: decodeSegment(parsed.username),
      has_password: parsed.password !== '',
      hostname: parsed.hostname,
      port: port === '' ? null : Number(port),
      origin: parsed.origin === 'null' ? null : parsed.origin,
      path: parsed.pathname,
      path_segments: parsed.pathname.split('/').filter((segment) => segment !== '').map(decodeSegment),
      query: parsed.search.replace(/^\?/, ''),
      query_params: queryParameters(parsed.searchParams),
      fragment: parsed.hash === '' ? null : decodeSegment(parsed.hash.slice(1)),
    };
  },
});

/**
 * The web tools: `http_request`, `web_fetch`, `rss_read`, `url_parse` and `web_search`. Every request goes
 * through the SSRF-guarded client, with the caller's abort signal.
 */
export function webTools(deps: { http: HttpClient; search: WebSearchSettings }): RegisteredTool[] {
  return [httpRequestTool(deps.http), ...webReadingTools(deps.http), urlParse, webSearchTool(deps)];
}
