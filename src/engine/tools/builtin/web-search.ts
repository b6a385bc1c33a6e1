import { z } from 'zod';
import type { HttpClient, HttpResponseData } from '../../../platform/http-client/index.js';
import { defineTool, ToolError } from '../tool.js';
import { toWebToolError } from './web-response.js';
import { plainTextFromHtml, shortenText } from './web-text.js';

/** Which search provider answers `web_search`; the first one configured wins, in this order. */
export interface WebSearchSettings {
  /** A SearXNG instance (SEARXNG_URL) with the JSON format enabled. */
  searxngUrl?: string;
  /** A Tavily API key (TAVILY_API_KEY). */
  tavilyApiKey?: string;
  /** A Bing Web Search v7 subscription key (BING_SEARCH_API_KEY). */
  bingApiKey?: string;
  /** Tavily's search endpoint; the public API unless a test or a proxy says otherwise. */
  tavilyEndpoint?: string;
  /** Bing's search endpoint; the public API unless a test or a proxy says otherwise. */
  bingEndpoint?: string;
}

/** The providers `web_search` can use. */
export type WebSearchProvider = 'searxng' | 'tavily' | 'bing';

/** One search hit. */
export interface WebSearchResult {
  title: string;
  url: string;
  snippet: string;
}

/** What `web_search` returns. */
export interface WebSearchOutput {
  provider: WebSearchProvider;
  results: WebSearchResult[];
}

const defaultTavilyEndpoint = 'https://api.tavily.com/search';
const defaultBingEndpoint = 'https://api.bing.microsoft.com/v7.0/search';
const searchTimeoutMs = 20_000;
const maxSearchResponseBytes = 2 * 1024 * 1024;
const maxSnippetLength = 500;

/** One search request, whatever the provider. */
interface SearchCall {
  http: HttpClient;
  query: string;
  maxResults: number;
  signal: AbortSignal;
}

const labels: Record<WebSearchProvider, string> = { searxng: 'SearXNG', tavily: 'Tavily', bing: 'Bing' };

/** Hits as the providers send them: anything may be missing, so every field is optional. */
const hitFields = { title: z.string().optional(), url: z.string().optional() };
const searxngAnswer = z.object({ results: z.array(z.looseObject({ ...hitFields, content: z.string().optional() })).default([]) });
const tavilyAnswer = z.object({ results: z.array(z.looseObject({ ...hitFields, content: z.string().optional() })).default([]) });
const bingAnswer = z.object({
  webPages: z.object({ value: z.array(z.looseObject({ name: z.string().optional(), url: z.string().optional(), snippet: z.string().optional() })) }).optional(),
});

function hint(provider: WebSearchProvider, status: number): string {
  if (provider === 'searxng' && status === 403) return ' (enable the json format under search.formats in SearXNG settings.yml)';
  if (status === 401 || status === 403) return ' (check the API key)';
  return '';
}

/** Sends one provider request and returns its JSON answer, or fails with WEB_SEARCH_FAILED saying why. */
async function callProvider(provider: WebSearchProvider, url: URL, init: RequestInit, call: SearchCall): Promise<unknown> {
  let response: HttpResponseData;
  try {
    response = await call.http.request(url, { ...init, timeoutMs: searchTimeoutMs, maxResponseBytes: maxSearchResponseBytes, signal: call.signal });
  } catch (error) {
    throw toWebToolError(error, { callerSignal: call.signal });
  }
  const text = response.text();
  if (response.status >= 400) {
    const quoted = shortenText(plainTextFromHtml(text), 300);
    throw new ToolError(`${labels[provider]} answered HTTP ${response.status}${hint(provider, response.status)}: ${quoted}`, 'WEB_SEARCH_FAILED');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ToolError(`${labels[provider]} did not answer with JSON`, 'WEB_SEARCH_FAILED');
  }
}

function parseAnswer<T>(provider: WebSearchProvider, schema: z.ZodType<T>, answer: unknown): T {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) throw new ToolError(`${labels[provider]} answered with an unexpected shape`, 'WEB_SEARCH_FAILED');
  return parsed.data;
}

/** Keeps hits that have a URL, with plain-text titles and snippets, up to the limit. */
function toResults(hits: { title?: string; url?: string; snippet?: string }[], maxResults: number): WebSearchResult[] {
  return hits
    .filter((hit) => hit.url !== undefined && hit.url !== '')
    .slice(0, maxResults)
    .map((hit) => ({
      title: plainTextFromHtml(hit.title ?? ''),
      url: hit.url!,
      snippet: shortenText(plainTextFromHtml(hit.snippet ?? ''), maxSnippetLength),
    }));
}

async function searchSearxng(instance: string, call: SearchCall): Promise<WebSearchResult[]> {
  // Relative to the instance, so one mounted under a path (https://host/searxng) keeps it.
  const url = new URL('search', instance.endsWith('/') ? instance : `${instance}/`);
  url.searchParams.set('q', call.query);
  url.searchParams.set('format', 'json');
  const answer = parseAnswer('searxng', searxngAnswer, await callProvider('searxng', url, { headers: { accept: 'application/json' } }, call));
  return toResults(answer.results.map((hit) => ({ ...hit, snippet: hit.content })), call.maxResults);
}

async function searchTavily(apiKey: string, endpoint: string, call: SearchCall): Promise<WebSearchResult[]> {
  const init: RequestInit = {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: call.query, max_results: call.maxResults }),
  };
  const answer = parseAnswer('tavily', tavilyAnswer, await callProvider('tavily', new URL(endpoint), init, call));
  return toResults(answer.results.map((hit) => ({ ...hit, snippet: hit.content })), call.maxResults);
}

async function searchBing(apiKey: string, endpoint: string, call: SearchCall): Promise<WebSearchResult[]> {
  const url = new URL(endpoint);
  url.searchParams.set('q', call.query);
  url.searchParams.set('count', String(call.maxResults));
  const init: RequestInit = { headers: { 'ocp-apim-subscription-key': apiKey, accept: 'application/json' } };
  const answer = parseAnswer('bing', bingAnswer, await callProvider('bing', url, init, call));
  const hits = answer.webPages?.value ?? [];
  return toResults(hits.map((hit) => ({ title: hit.name, url: hit.url, snippet: hit.snippet })), call.maxResults);
}

const configured = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Runs the search on the first configured provider: SearXNG, then Tavily, then Bing. */
async function search(settings: WebSearchSettings, call: SearchCall): Promise<WebSearchOutput> {
  if (configured(settings.searxngUrl)) return { provider: 'searxng', results: await searchSearxng(settings.searxngUrl.trim(), call) };
  if (configured(settings.tavilyApiKey)) {
    const results = await searchTavily(settings.tavilyApiKey.trim(), settings.tavilyEndpoint ?? defaultTavilyEndpoint, call);
    return { provider: 'tavily', results };
  }
  if (configured(settings.bingApiKey)) {
    const results = await searchBing(settings.bingApiKey.trim(), settings.bingEndpoint ?? defaultBingEndpoint, call);
    return { provider: 'bing', results };
  }
  throw new ToolError(
    'Web search is not configured: set SEARXNG_URL (a SearXNG instance with the JSON format enabled), TAVILY_API_KEY or BING_SEARCH_API_KEY',
    'WEB_SEARCH_NOT_CONFIGURED',
  );
}

/** `web_search`: searches the web through the configured provider and returns titles, URLs and snippets. */
export function webSearchTool(deps: { http: HttpClient; search: WebSearchSettings }) {
  return defineTool({
    name: 'web_search',
    category: 'web',
    description:
      'Searches the web and returns the top results as { provider, results: [{ title, url, snippet }] }. Use it for ' +
      'current events, facts you are unsure of and finding pages; then read a promising result with web_fetch.',
    inputSchema: z.object({
      query: z.string().trim().min(1).max(400).describe('The search query, as you would type it into a search engine'),
      max_results: z.number().int().min(1).max(20).default(5).describe('Most results to return'),
    }),
    async execute({ query, max_results }, context): Promise<WebSearchOutput> {
      return search(deps.search, { http: deps.http, query, maxResults: max_results, signal: context.signal });
    },
  });
}
