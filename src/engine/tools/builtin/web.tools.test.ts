import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z, ZodError } from 'zod';
import { createHttpClient } from '../../../platform/http-client/index.js';
import { type Canary, startCanary, startUpstream, type Upstream } from '../../../test-kit/http-upstream.js';
import { ToolError } from '../tool.js';
import { emailTools } from './email.tools.js';
import { runTool, testToolContext, toolErrorOf } from './tool-test-kit.js';
import { maxHttpResponseBytes, webTools } from './web.tools.js';

let upstream: Upstream;
let canary: Canary;
let base: string;
/** Requests the upstream leaves unanswered, so tests can time out or abort them. */
const stalled: { end(): void }[] = [];

beforeAll(async () => {
  canary = await startCanary();
  upstream = await startUpstream((request, response) => {
    const url = new URL(request.url, 'http://upstream');
    if (url.pathname === '/json') {
      response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=secret', 'x-internal-token': 'abc', 'x-ratelimit-remaining': '41' });
      response.end(JSON.stringify({ path: url.pathname, query: url.search, id: randomUUID() }));
    } else if (url.pathname === '/echo') {
      response.writeHead(201, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${request.method} ${request.headers['content-type'] ?? '-'} ${request.body}`);
    } else if (url.pathname === '/large') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('a'.repeat(maxHttpResponseBytes * 3));
    } else if (url.pathname === '/png') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    } else if (url.pathname === '/to-canary') {
      response.writeHead(302, { location: `http://127.0.0.1:${canary.port}/` });
      response.end();
    } else if (url.pathname === '/stall') {
      stalled.push(response);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('no such thing');
    }
  });
  base = `http://127.0.0.1:${upstream.port}`;
});

afterAll(async () => {
  for (const response of stalled) response.end();
  await Promise.all([http.close(), guardedHttp.close()]);
  await upstream.close();
  await canary.close();
});

const http = createHttpClient({ allowedPrivateHosts: ['127.0.0.1'] });
const guardedHttp = createHttpClient();
const tools = () => webTools({ http, search: {} });

describe('http_request', () => {
  it('sends query parameters and headers and returns parsed JSON with a safe subset of headers', async () => {
    const result = await runTool(tools(), 'http_request', {
      url: `${base}/json?fixed=1`,
      query: { q: 'green tea', page: 2, exact: true },
      headers: { 'X-Trace': 'trace-1' },
    });

    expect(result).toMatchObject({ status: 200, ok: true, body_format: 'json', truncated: false, redirected: false });
    expect(result.body).toMatchObject({ path: '/json', query: '?fixed=1&q=green+tea&page=2&exact=true' });
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'x-ratelimit-remaining': '41' });
    expect(result.headers).not.toHaveProperty('set-cookie');
    expect(result.headers).not.toHaveProperty('x-internal-token');
    expect(upstream.received.at(-1)?.headers['x-trace']).toBe('trace-1');
  });

  it('sends an object as JSON and a string as text, unless a content type is given', async () => {
    const json = await runTool(tools(), 'http_request', { method: 'POST', url: `${base}/echo`, body: { cups: 3 } });
    const text = await runTool(tools(), 'http_request', { method: 'PUT', url: `${base}/echo`, body: 'plain words' });
    const custom = await runTool(tools(), 'http_request', { method: 'PATCH', url: `${base}/echo`, body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

    expect(json).toMatchObject({ status: 201, body_format: 'text', body: 'POST application/json {"cups":3}' });
    expect(text.body).toBe('PUT text/plain; charset=utf-8 plain words');
    expect(custom.body).toBe('PATCH application/x-www-form-urlencoded a=1');
  });

  it('returns error statuses instead of failing, and no body for binary content', async () => {
    expect(await runTool(tools(), 'http_request', { url: `${base}/missing` })).toMatchObject({ status: 404, ok: false, body: 'no such thing' });
    expect(await runTool(tools(), 'http_request', { url: `${base}/png` })).toMatchObject({ status: 200, body_format: 'binary', body: null, body_bytes: 8 });
  });

  it('cuts a large body and says so', async () => {
    const result = await runTool<{ body: string; truncated: boolean; body_bytes: number }>(tools(), 'http_request', { url: `${base}/large` });

    expect(result.truncated).toBe(true);
    expect(result.body_bytes).toBe(maxHttpResponseBytes);
    expect(result.body).toBe('a'.repeat(maxHttpResponseBytes));
  });

  it('times out with HTTP_CLIENT_TIMEOUT', async () => {
    const error = await toolErrorOf(tools(), 'http_request', { url: `${base}/stall`, timeout_ms: 1_000 });

    expect(error.code).toBe('HTTP_CLIENT_TIMEOUT');
  });

  it('rejects a body on GET, reserved or broken headers, bad URLs and unknown methods without sending', async () => {
    const before = upstream.received.length;

    expect((await toolErrorOf(tools(), 'http_request', { url: `${base}/echo`, body: 'x' })).message).toMatch(/GET request cannot have a body/);
    expect((await toolErrorOf(tools(), 'http_request', { url: `${base}/echo`, headers: { Host: 'evil.example' } })).message).toMatch(/Host header/);
    expect((await toolErrorOf(tools(), 'http_request', { url: `${base}/echo`, headers: { 'bad name': 'x' } })).message).toMatch(/Invalid header/);
    expect((await toolErrorOf(tools(), 'http_request', { url: 'file:///etc/passwd' })).code).toBe('WEB_INVALID_URL');
    expect((await toolErrorOf(tools(), 'http_request', { url: 'not a url' })).code).toBe('WEB_INVALID_URL');
    await expect(runTool(tools(), 'http_request', { method: 'TRACE', url: `${base}/echo` })).rejects.toThrow(ZodError);
    expect(upstream.received.length).toBe(before);
  });

  it('hands back the caller abort as it is, not as a tool error', async () => {
    const tool = tools().find((candidate) => candidate.name === 'http_request')!;
    const controller = new AbortController();
    const before = stalled.length;
    const outcome = tool.execute(tool.inputSchema.parse({ url: `${base}/stall` }), { ...testToolContext(), signal: controller.signal });
    await vi.waitFor(() => expect(stalled.length).toBe(before + 1));

    controller.abort(new Error('run cancelled'));

    await expect(outcome).rejects.toThrow('run cancelled');
    await expect(outcome).rejects.not.toBeInstanceOf(ToolError);
  });
});

describe('the SSRF guard', () => {
  const guarded = () => webTools({ http: guardedHttp, search: {} });

  it.each([
    ['http_request', { url: '' }],
    ['web_fetch', { url: '' }],
    ['rss_read', { url: '' }],
  ])('%s refuses loopback without connecting', async (name, input) => {
    const error = await toolErrorOf(guarded(), name, { ...input, url: `http://127.0.0.1:${canary.port}/` });

    expect(error.code).toBe('SSRF_BLOCKED');
    expect(error.message).toMatch(/loopback/);
    expect(canary.connections()).toBe(0);
  });

  it('refuses a redirect from an allowed host to an address that is not allowed', async () => {
    const onlyUpstream = createHttpClient({ allowedPrivateHosts: [`127.0.0.1:${upstream.port}`] });

    const error = await toolErrorOf(webTools({ http: onlyUpstream, search: {} }), 'http_request', { url: `${base}/to-canary` });
    await onlyUpstream.close();

    expect(error.code).toBe('SSRF_BLOCKED');
    expect(upstream.received.at(-1)?.url).toBe('/to-canary');
    expect(canary.connections()).toBe(0);
  });
});

describe('url_parse', () => {
  it('splits a URL into parts and decoded query parameters, hiding the password, without fetching it', async () => {
    const before = upstream.received.length;

    const result = await runTool(tools(), 'url_parse', { url: 'https://ana:pa55@Example.com:8443/a%20b/c/?q=green%20tea&tag=1&tag=2&empty#sec%201' });

    expect(result).toEqual({
      href: 'https://ana:***@example.com:8443/a%20b/c/?q=green%20tea&tag=1&tag=2&empty#sec%201',
      scheme: 'https',
      username: 'ana',
      has_password: true,
      hostname: 'example.com',
      port: 8443,
      origin: 'https://example.com:8443',
      path: '/a%20b/c/',
      path_segments: ['a b', 'c'],
      query: 'q=green%20tea&tag=1&tag=2&empty',
      query_params: { q: 'green tea', tag: ['1', '2'], empty: '' },
      fragment: 'sec 1',
    });
    expect(upstream.received.length).toBe(before);
  });

  it('fills in default ports, resolves relative references and handles non-web schemes', async () => {
    expect(await runTool(tools(), 'url_parse', { url: 'http://example.com' })).toMatchObject({ port: 80, path: '/', fragment: null, query_params: {} });
    expect(await runTool(tools(), 'url_parse', { url: '../img/a.png?x=1', base: 'https://example.com/docs/guide/' })).toMatchObject({
      href: 'https://example.com/docs/img/a.png?x=1',
      path_segments: ['docs', 'img', 'a.png'],
    });
    expect(await runTool(tools(), 'url_parse', { url: 'mailto:ana@example.com' })).toMatchObject({ scheme: 'mailto', port: null, origin: null });
  });

  it('explains an invalid URL', async () => {
    expect(await toolErrorOf(tools(), 'url_parse', { url: '/relative/only' })).toMatchObject({ code: 'URL_INVALID', message: expect.stringMatching(/needs `base`/) });
    expect((await toolErrorOf(tools(), 'url_parse', { url: 'http://exa mple.com' })).code).toBe('URL_INVALID');
  });
});

describe('the web and e-mail tool catalogue', () => {
  const catalogue = [...tools(), ...emailTools({ smtp: {}, resolveHost: async () => '127.0.0.1' })];

  it('has the six tools with unique names in their categories', () => {
    expect(catalogue.map((tool) => `${tool.category}/${tool.name}`)).toEqual([
      'web/http_request',
      'web/web_fetch',
      'web/rss_read',
      'web/url_parse',
      'web/web_search',
      'communication/send_email',
    ]);
  });

  it.each(catalogue.map((tool) => [tool.name, tool] as const))('%s has a JSON Schema input with every field described', (name, tool) => {
    for (const io of ['input', 'output'] as const) {
      const schema = z.toJSONSchema(tool.inputSchema, { io }) as { type?: string; properties?: Record<string, { description?: string }> };
      expect(schema.type).toBe('object');
      for (const [property, definition] of Object.entries(schema.properties ?? {})) {
        expect(definition.description, `${name}.${property}`).toMatch(/\S{2,}/);
      }
    }
  });
});
