import { z } from 'zod';
import type { NodeType } from '../node-type.js';
import { NodeError } from '../run-node.js';

/** The longest request body sent, in characters (a JSON body is measured once serialized). */
export const MAX_HTTP_BODY_LENGTH = 1_000_000;
/** The most of a failed response's body quoted in the error message, in characters. */
const ERROR_BODY_EXCERPT = 200;

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/, 'an HTTP header name');
const headerValue = z
  .string()
  .max(8_192)
  .refine((value) => !/[\r\n\0]/.test(value), 'a header value cannot hold line breaks');

/** Config of the HTTP node: one request, how long it may take, and how its answer is judged. */
export const httpConfigSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET').describe('The HTTP method'),
    url: z.url({ protocol: /^https?$/ }).max(8_192).describe('An http or https URL; private and internal addresses are refused'),
    headers: z.record(headerName, headerValue).default({}).describe('Request headers'),
    body: z
      .union([z.string().max(MAX_HTTP_BODY_LENGTH), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional()
      .describe('The request body: text as is, or an object / array sent as JSON (with content-type application/json)'),
    timeout_ms: z.number().int().min(1).max(120_000).default(30_000).describe('Deadline of the request'),
    expect_json: z
      .boolean()
      .default(false)
      .describe('Parse the body as JSON and fail with HTTP_INVALID_JSON when a successful answer is not JSON'),
    fail_on_error_status: z
      .boolean()
      .default(false)
      .describe('Fail with HTTP_ERROR_STATUS on a status of 400 or more (else such a status is an ordinary output)'),
  })
  .strict()
  .refine((config) => config.body === undefined || (config.method !== 'GET' && config.method !== 'HEAD'), {
    path: ['body'],
    message: 'GET and HEAD requests have no body',
  });

/** The HTTP node's validated config. */
export type HttpConfig = z.infer<typeof httpConfigSchema>;

/** A header's value, its name compared without case; undefined when absent. */
function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The body as sent and the headers that go with it: an object or array becomes JSON. */
function encodeBody(config: HttpConfig): { body: string | undefined; headers: Record<string, string> } {
  if (config.body === undefined || typeof config.body === 'string') return { body: config.body, headers: config.headers };
  const body = JSON.stringify(config.body);
  if (body.length > MAX_HTTP_BODY_LENGTH) {
    throw new NodeError(`the JSON body is longer than ${MAX_HTTP_BODY_LENGTH} characters`, 'HTTP_BODY_TOO_LARGE');
  }
  const headers = headerOf(config.headers, 'content-type') ? config.headers : { ...config.headers, 'content-type': 'application/json' };
  return { body, headers };
}

/** Parses a body as JSON, guarded: the parse error comes back as data, not as an exception. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Sends one HTTP request through the platform's SSRF-guarded client. Output `{ status, headers,
 * body }`, plus `json` when the body parses as JSON and either `expect_json` is set or the answer
 * says it is JSON (an empty body never gives `json`). A status of 400 or more is an ordinary
 * output unless `fail_on_error_status` is set; `expect_json` fails only on a successful status.
 */
export const httpNode: NodeType<HttpConfig> = {
  type: 'http',
  description: 'Sends an HTTP request and outputs the status, headers and body (and parsed JSON).',
  configSchema: httpConfigSchema,
  async run({ config, services, signal }) {
    const { body, headers } = encodeBody(config);
    const response = await services.httpRequest({
      url: config.url,
      method: config.method,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: config.timeout_ms,
      signal,
    });
    if (config.fail_on_error_status && response.status >= 400) {
      const excerpt = response.body.slice(0, ERROR_BODY_EXCERPT);
      throw new NodeError(`${config.method} ${config.url} answered ${response.status}: ${excerpt}`, 'HTTP_ERROR_STATUS');
    }
    const output: Record<string, unknown> = { status: response.status, headers: response.headers, body: response.body };
    const declaredJson = /^application\/(?:[\w.+-]+\+)?json\b/i.test(headerOf(response.headers, 'content-type')?.trim() ?? '');
    if ((config.expect_json || declaredJson) && response.body.trim() !== '') {
      const parsed = parseJson(response.body);
      if (parsed.ok) output['json'] = parsed.value;
      else if (config.expect_json && response.status < 400) {
        throw new NodeError(`the response is not JSON: ${parsed.message}`, 'HTTP_INVALID_JSON');
      }
    }
    return { kind: 'done', output };
  },
};
