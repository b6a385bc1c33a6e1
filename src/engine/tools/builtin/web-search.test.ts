import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { createHttpClient } from '../../../platform/http-client/index.js';
import { type ReceivedRequest, startUpstream, type Upstream } from '../../../test-kit/http-upstream.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';
import { webSearchTool, type WebSearchSettings } from './web-search.js';

let upstream: Upstream;
let base: string;
const http = createHttpClient({ allowedPrivateHosts: ['127.0.0.1'] });

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Answers like each provider would, under its own path prefix. */
function answer(request: ReceivedRequest, response: ServerResponse): void {
  const url = new URL(request.url, 'http://upstream');
  const query = url.searchParams.get('q') ?? '';
  if (url.pathname === '/searx/search' || url.pathname === '/search') {
    json(response, 200, {
      query,
      results: [
        { title: `About <b>${query}</b>`, url: 'https://tea.example/1', content: 'Tea &amp; <em>history</em>', engine: 'duckduckgo' },
        { title: 'No URL', content: 'dropped' },
        { title: 'Second', url: 'https://tea.example/2', content: 'More' },
        { title: 'Third', url: 'https://tea.example/3' },
      ],
    });
  } else if (url.pathname === '/tavily') {
    const body = JSON.parse(request.body) as { query: string; max_results: number };
    json(response, 200, { query: body.query, results: [{ title: 'Tavily hit', url: 'https://t.example/', content: `Found ${body.query}`, score: 0.9 }] });
  } else if (url.pathname === '/bing') {
    json(response, 200, { webPages: { value: [{ name: 'Bing hit', url: 'https://b.example/', snippet: `Snippet for ${query}` }] } });
  } else if (url.pathname === '/forbidden/search') {
    response.writeHead(403, { 'content-type': 'text/html' });
    response.end('<h1>403 Forbidden</h1>');
  } else if (url.pathname === '/broken/search') {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<html>not json</html>');
  } else {
    json(response, 401, { error: 'invalid key' });
  }
}

beforeAll(async () => {
  upstream = await startUpstream(answer);
  base = `http://127.0.0.1:${upstream.port}`;
});

afterAll(async () => {
  await http.close();
  await upstream.close();
});

const search = (settings: WebSearchSettings, input: Record<string, unknown>) => runTool([webSearchTool({ http, search: settings })], 'web_search', input);
const searchError = (settings: WebSearchSettings, input: Record<string, unknown>) => toolErrorOf([webSearchTool({ http, search: settings })], 'web_search', input);

describe('web_search', () => {
  it('asks SearXNG for JSON and returns plain-text hits that have a URL, limited', async () => {
    const query = `green tea ${randomUUID()}`;

    const result = await search({ searxngUrl: `${base}/searx` }, { query, max_results: 2 });

    expect(result).toEqual({
      provider: 'searxng',
      results: [
        { title: `About ${query}`, url: 'https://tea.example/1', snippet: 'Tea & history' },
        { title: 'Second', url: 'https://tea.example/2', snippet: 'More' },
      ],
    });
    const sent = new URL(upstream.received.at(-1)!.url, 'http://upstream');
    expect(sent.pathname).toBe('/searx/search');
    expect(sent.searchParams.get('q')).toBe(query);
    expect(sent.searchParams.get('format')).toBe('json');
  });

  it('prefers SearXNG over the other providers when several are configured', async () => {
    const before = upstream.received.length;

    const result = await search({ searxngUrl: `${base}/`, tavilyApiKey: 'tvly-key', tavilyEndpoint: `${base}/tavily` }, { query: 'tea' });

    expect(result).toMatchObject({ provider: 'searxng' });
    expect(upstream.received.slice(before).map((request) => request.url.split('?')[0])).toEqual(['/search']);
  });

  it('posts to Tavily with a bearer key', async () => {
    const result = await search({ tavilyApiKey: 'tvly-secret', tavilyEndpoint: `${base}/tavily` }, { query: 'oolong', max_results: 3 });

    expect(result).toEqual({ provider: 'tavily', results: [{ title: 'Tavily hit', url: 'https://t.example/', snippet: 'Found oolong' }] });
    const sent = upstream.received.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers.authorization).toBe('Bearer tvly-secret');
    expect(JSON.parse(sent.body)).toEqual({ query: 'oolong', max_results: 3 });
  });

  it('asks Bing with the subscription key header', async () => {
    const result = await search({ searxngUrl: '  ', bingApiKey: 'bing-secret', bingEndpoint: `${base}/bing` }, { query: 'matcha', max_results: 4 });

    expect(result).toEqual({ provider: 'bing', results: [{ title: 'Bing hit', url: 'https://b.example/', snippet: 'Snippet for matcha' }] });
    const sent = upstream.received.at(-1)!;
    expect(sent.headers['ocp-apim-subscription-key']).toBe('bing-secret');
    expect(new URL(sent.url, 'http://upstream').searchParams.get('count')).toBe('4');
  });

  it('is WEB_SEARCH_NOT_CONFIGURED without a provider, naming the three variables', async () => {
    const before = upstream.received.length;

    const error = await searchError({}, { query: 'tea' });

    expect(error.code).toBe('WEB_SEARCH_NOT_CONFIGURED');
    expect(error.message).toMatch(/SEARXNG_URL.*TAVILY_API_KEY.*BING_SEARCH_API_KEY/);
    expect(upstream.received.length).toBe(before);
  });

  it('explains provider failures', async () => {
    expect(await searchError({ tavilyApiKey: 'wrong', tavilyEndpoint: `${base}/nope` }, { query: 'tea' })).toMatchObject({
      code: 'WEB_SEARCH_FAILED',
      message: expect.stringMatching(/Tavily answered HTTP 401 \(check the API key\)/),
    });
    expect((await searchError({ searxngUrl: `${base}/forbidden` }, { query: 'tea' })).message).toMatch(/enable the json format/);
    expect((await searchError({ searxngUrl: `${base}/broken` }, { query: 'tea' })).message).toBe('SearXNG did not answer with JSON');
  });

  it('goes through the SSRF guard and rejects bad input', async () => {
    const guarded = createHttpClient();
    const before = upstream.received.length;

    const error = await toolErrorOf([webSearchTool({ http: guarded, search: { searxngUrl: base } })], 'web_search', { query: 'tea' });
    await guarded.close();

    expect(error.code).toBe('SSRF_BLOCKED');
    expect(upstream.received.length).toBe(before);
    await expect(search({ searxngUrl: base }, { query: '   ' })).rejects.toThrow(ZodError);
    await expect(search({ searxngUrl: base }, { query: 'tea', max_results: 21 })).rejects.toThrow(ZodError);
  });
});
