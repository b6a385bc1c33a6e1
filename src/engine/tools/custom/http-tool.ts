import type { HttpClient } from '../../../platform/http-client/index.js';
import { JsonPathError, queryJsonPath } from '../../expressions/json-path.js';
import { asToolError, ToolError, type ToolContext } from '../tool.js';
import { fillJson, fillText, MissingPlaceholderError } from './placeholders.js';

/** How a custom HTTP tool authenticates; the secret itself (key, token, password) is stored sealed. */
export type HttpToolAuth =
  | { type: 'none' }
  | { type: 'api_key'; in: 'header' | 'query'; name: string }
  | { type: 'bearer' }
  | { type: 'basic'; username: string };

/** The request a custom HTTP tool sends; `{{field}}` placeholders are filled from the tool's input. */
export interface HttpToolConfig {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** A JSON template, or null to send the whole input as the JSON body (methods with a body only). */
  body: unknown;
  auth: HttpToolAuth;
  timeout_ms: number;
  /** A JSONPath into the JSON response picking what the tool returns; the whole body when null. */
  response_path: string | null;
}

/** What an HTTP tool returns: the status and the (extracted) body. */
export interface HttpToolOutput {
  status: number;
  data: unknown;
}

const bodyless = new Set(['GET', 'DELETE']);
/** How much of an error body a failure message quotes. */
const quotedErrorBody = 500;

function parseBody(text: string, contentType: string | null): unknown {
  const looksJson = contentType?.includes('json') || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function extract(data: unknown, path: string | null): unknown {
  if (path === null) return data;
  try {
    const matches = queryJsonPath(data, path);
    return matches.length === 1 ? matches[0]!.value : matches.map((match) => match.value);
  } catch (error) {
    throw new ToolError(error instanceof JsonPathError ? `response_path: ${error.message}` : String(error));
  }
}

/** The URL, headers and body of one call, filled from the input and signed with the credential. */
export function buildHttpToolRequest(config: HttpToolConfig, input: unknown, credential: string | null) {
  let url: URL;
  try {
    url = new URL(fillText(config.url, input, { encode: encodeURIComponent }));
  } catch (error) {
    if (error instanceof MissingPlaceholderError) throw new ToolError(error.message);
    throw new ToolError(`the URL template does not give a valid URL: ${config.url}`);
  }
  for (const [name, template] of Object.entries(config.query)) {
    const value = fillText(template, input, { optional: true });
    if (value !== '') url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(config.headers)) {
    const value = fillText(template, input, { optional: true });
    if (value !== '') headers[name.toLowerCase()] = value;
  }
  const { auth } = config;
  if (auth.type !== 'none' && !credential) throw new ToolError(`the tool's ${auth.type} credential is not set`);
  if (auth.type === 'bearer') headers.authorization = `Bearer ${credential}`;
  if (auth.type === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${credential}`).toString('base64')}`;
  if (auth.type === 'api_key' && auth.in === 'header') headers[auth.name.toLowerCase()] = credential!;
  if (auth.type === 'api_key' && auth.in === 'query') url.searchParams.set(auth.name, credential!);
  let body: string | undefined;
  if (!bodyless.has(config.method)) {
    const filled = config.body === null ? input : fillJson(config.body, input);
    body = typeof filled === 'string' ? filled : JSON.stringify(filled ?? {});
    headers['content-type'] ??= typeof filled === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  }
  return { url, headers, body };
}

/**
 * The work of a custom HTTP tool: fill the request from the input, send it through the SSRF-guarded
 * client with the tool's timeout and the run's abort signal, and return the status and the body (or
 * the part `response_path` selects). Refusals, timeouts and 4xx/5xx answers are tool errors.
 */
export function httpToolExecutor(config: HttpToolConfig, deps: { http: HttpClient; credential: string | null }) {
  return async (input: unknown, context: Pick<ToolContext, 'signal'>): Promise<HttpToolOutput> => {
    const { url, headers, body } = buildHttpToolRequest(config, input, deps.credential);
    let response;
    try {
      response = await deps.http.request(url, {
        method: config.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        timeoutMs: config.timeout_ms,
        signal: context.signal,
      });
    } catch (error) {
      throw asToolError(error, 'HTTP_TOOL_REQUEST_FAILED');
    }
    const text = response.text();
    const data = parseBody(text, response.headers.get('content-type'));
    if (response.status >= 400) {
      throw new ToolError(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, quotedErrorBody)}`, 'HTTP_TOOL_ERROR_STATUS');
    }
    return { status: response.status, data: extract(data, config.response_path) };
  };
}
