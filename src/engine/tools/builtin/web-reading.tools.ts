import { z } from 'zod';
import type { HttpClient } from '../../../platform/http-client/index.js';
import { defineTool, ToolError } from '../tool.js';
import { advertisedFeeds, newestFirst, NotAFeedError, parseFeed } from './web-feed.js';
import { htmlToReadableMarkdown } from './web-page-markdown.js';
import { decodeBody, fetchWebResource, isTextualMediaType, mediaTypeOf, parseWebUrl, type WebResource } from './web-response.js';

/** Pages are read up to this many bytes; the rest is not downloaded. */
const maxPageBytes = 5 * 1024 * 1024;
const readTimeoutMs = 30_000;

const urlField = z.string().min(1).max(8_192);

function looksLikeHtml(text: string): boolean {
  return /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body)\b/i.test(text);
}

/** True when the first bytes contain a NUL, which text never does. */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 1_024).includes(0);
}

/** Fails when the server answered with an error status, quoting it. */
function requireSuccess(resource: WebResource, code: string): void {
  if (resource.status < 400) return;
  throw new ToolError(`${resource.url} answered HTTP ${resource.status} ${resource.statusText}`.trim(), code);
}

/** Readable content of a fetched text resource: HTML becomes Markdown, other text stays as it is. */
function readableContent(resource: WebResource) {
  const contentType = resource.headers.get('content-type');
  const mediaType = mediaTypeOf(contentType);
  const known = mediaType !== '' && mediaType !== 'application/octet-stream';
  if ((known && !isTextualMediaType(mediaType)) || (!known && looksBinary(resource.bytes))) {
    throw new ToolError(
      `${resource.url} is ${known ? mediaType : 'binary content'}, not a text page; web_fetch reads HTML, plain text, JSON and XML`,
      'WEB_FETCH_UNSUPPORTED_CONTENT',
    );
  }
  const text = decodeBody(resource.bytes, contentType);
  const isHtml = mediaType.includes('html') || (!known && looksLikeHtml(text));
  if (!isHtml) return { mediaType: mediaType || 'text/plain', title: null, content: text, source: 'text' as const };
  const page = htmlToReadableMarkdown(text, resource.url);
  return { mediaType: mediaType || 'text/html', title: page.title, content: page.markdown, source: page.source };
}

function webFetchTool(http: HttpClient) {
  return defineTool({
    name: 'web_fetch',
    category: 'web',
    description:
      'Fetches a web page and returns its readable content: the title and the main text as Markdown (navigation, ' +
      'scripts, footers and sidebars removed; the <article> or <main> part when the page has one; links made ' +
      'absolute). Plain text, JSON and XML are returned as they are. Fails for images, PDFs and other non-text ' +
      'content. Use it to read a page found with web_search or given by the user.',
    inputSchema: z.object({
      url: urlField.describe('The page, an absolute http:// or https:// URL'),
      max_length: z
        .number()
        .int()
        .min(500)
        .max(100_000)
        .default(20_000)
        .describe('Most characters of content to return; longer content is cut and `truncated` is true'),
    }),
    async execute({ url, max_length }, context) {
      const resource = await fetchWebResource(http, parseWebUrl(url), {
        headers: new Headers({ accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5' }),
        timeoutMs: readTimeoutMs,
        maxBytes: maxPageBytes,
        signal: context.signal,
      });
      requireSuccess(resource, 'WEB_FETCH_HTTP_ERROR');
      const { mediaType, title, content, source } = readableContent(resource);
      return {
        url: resource.url,
        status: resource.status,
        content_type: mediaType,
        title,
        content_source: source,
        content: content.slice(0, max_length),
        length: content.length,
        truncated: resource.truncated || content.length > max_length,
      };
    },
  });
}

/** A tool error for a document that is not a feed, naming the feeds an HTML page links to when it does. */
function notAFeed(resource: WebResource, text: string, reason: string): ToolError {
  const feeds = looksLikeHtml(text) ? advertisedFeeds(text, resource.url) : [];
  const hint = feeds.length > 0 ? ` The page links to these feeds: ${feeds.join(', ')}` : '';
  return new ToolError(`${resource.url} is not an RSS or Atom feed: ${reason}.${hint}`, 'RSS_NOT_A_FEED');
}

function rssReadTool(http: HttpClient) {
  return defineTool({
    name: 'rss_read',
    category: 'web',
    description:
      'Reads an RSS or Atom feed and returns the feed title and its items (title, link, published date in ISO ' +
      '8601, a plain-text summary), newest first. Use it to follow news, blogs and release notes. Given an HTML ' +
      'page instead of a feed, it fails and lists the feed URLs the page advertises.',
    inputSchema: z.object({
      url: urlField.describe('The feed, an absolute http:// or https:// URL'),
      max_items: z.number().int().min(1).max(100).default(20).describe('Most items to return (the newest ones)'),
    }),
    async execute({ url, max_items }, context) {
      const resource = await fetchWebResource(http, parseWebUrl(url), {
        headers: new Headers({ accept: 'application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5' }),
        timeoutMs: readTimeoutMs,
        maxBytes: maxPageBytes,
        signal: context.signal,
      });
      requireSuccess(resource, 'RSS_HTTP_ERROR');
      const mediaType = mediaTypeOf(resource.headers.get('content-type'));
      if ((mediaType !== '' && !isTextualMediaType(mediaType)) || looksBinary(resource.bytes)) {
        throw notAFeed(resource, '', `its content type is ${mediaType || 'binary'}`);
      }
      const text = decodeBody(resource.bytes, resource.headers.get('content-type'));
      let feed;
      try {
        feed = parseFeed(text, resource.url);
      } catch (error) {
        if (error instanceof NotAFeedError) throw notAFeed(resource, text, error.message.replace(/^The document's/, 'its'));
        throw error;
      }
      return {
        url: resource.url,
        format: feed.format,
        title: feed.title,
        link: feed.link,
        description: feed.description,
        total_items: feed.items.length,
        items: newestFirst(feed.items).slice(0, max_items),
        truncated: resource.truncated,
      };
    },
  });
}

/** `web_fetch` and `rss_read`: read pages and feeds through the guarded client. */
export function webReadingTools(http: HttpClient) {
  return [webFetchTool(http), rssReadTool(http)];
}
