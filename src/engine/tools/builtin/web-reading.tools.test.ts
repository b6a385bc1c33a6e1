import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { createHttpClient } from '../../../platform/http-client/index.js';
import { startUpstream, type Upstream } from '../../../test-kit/http-upstream.js';
import { runTool, toolErrorOf } from './tool-test-kit.js';
import { webTools } from './web.tools.js';

/** What the upstream answers per path: a content type and a body. */
const routes = new Map<string, { type?: string; body: string | Buffer; status?: number }>();
let upstream: Upstream;
let base: string;
const http = createHttpClient({ allowedPrivateHosts: ['127.0.0.1'] });
const tools = webTools({ http, search: {} });

function serve(response: ServerResponse, path: string): void {
  if (path === '/moved') {
    response.writeHead(301, { location: '/article' });
    response.end();
    return;
  }
  const route = routes.get(path);
  if (route === undefined) {
    response.writeHead(404, { 'content-type': 'text/html' });
    response.end('<h1>Not found</h1>');
    return;
  }
  response.writeHead(route.status ?? 200, route.type === undefined ? {} : { 'content-type': route.type });
  response.end(route.body);
}

beforeAll(async () => {
  upstream = await startUpstream((request, response) => serve(response, new URL(request.url, 'http://upstream').pathname));
  base = `http://127.0.0.1:${upstream.port}`;
});

afterAll(async () => {
  await http.close();
  await upstream.close();
});

/** A blog post page with the usual chrome around the article. */
function articlePage(heading: string): string {
  return `<!doctype html><html><head><title>${heading} | Blog</title><script>var tracker = 1;</script></head><body>
    <nav><a href="/">Home</a><a href="/archive">Archive</a></nav>
    <article><h1>${heading}</h1><p>Brew at <em>80 °C</em> for two minutes. See <a href="/guide">the guide</a>.</p></article>
    <aside>Popular posts</aside><footer>Copyright</footer></body></html>`;
}

describe('web_fetch', () => {
  it('returns the title and the article as Markdown, with links made absolute, after redirects', async () => {
    const heading = `Green tea ${randomUUID()}`;
    routes.set('/article', { type: 'text/html; charset=utf-8', body: articlePage(heading) });

    const result = await runTool(tools, 'web_fetch', { url: `${base}/moved` });

    expect(result).toEqual({
      url: `${base}/article`,
      status: 200,
      content_type: 'text/html',
      title: `${heading} | Blog`,
      content_source: 'article',
      content: `# ${heading}\n\nBrew at _80 °C_ for two minutes. See [the guide](${base}/guide).`,
      length: expect.any(Number),
      truncated: false,
    });
  });

  it('cuts content at max_length and reports the full length', async () => {
    routes.set('/long', { type: 'text/plain', body: 'word '.repeat(2_000) });

    const result = await runTool<{ content: string; length: number; truncated: boolean }>(tools, 'web_fetch', { url: `${base}/long`, max_length: 500 });

    expect(result.content).toHaveLength(500);
    expect(result.length).toBe(10_000);
    expect(result.truncated).toBe(true);
  });

  it('returns plain text and JSON as they are, and decodes the declared charset', async () => {
    routes.set('/notes.txt', { type: 'text/plain', body: 'line one\n<b>not html</b>' });
    routes.set('/data.json', { type: 'application/json', body: '{"a": [1, 2]}' });
    routes.set('/latin1', { type: 'text/plain; charset=iso-8859-1', body: Buffer.from('caf\xe9 cr\xe8me', 'latin1') });

    expect(await runTool(tools, 'web_fetch', { url: `${base}/notes.txt` })).toMatchObject({ content: 'line one\n<b>not html</b>', content_source: 'text', title: null });
    expect(await runTool(tools, 'web_fetch', { url: `${base}/data.json` })).toMatchObject({ content: '{"a": [1, 2]}', content_type: 'application/json' });
    expect(await runTool(tools, 'web_fetch', { url: `${base}/latin1` })).toMatchObject({ content: 'café crème' });
  });

  it('recognises HTML sent without a content type', async () => {
    routes.set('/untyped', { body: '<!DOCTYPE html><html><head><title>Bare</title></head><body><p>Hello</p></body></html>' });

    expect(await runTool(tools, 'web_fetch', { url: `${base}/untyped` })).toMatchObject({ title: 'Bare', content: 'Hello', content_type: 'text/html' });
  });

  it('refuses non-text content, error statuses and bad input', async () => {
    routes.set('/report.pdf', { type: 'application/pdf', body: '%PDF-1.7 ...' });
    routes.set('/blob', { body: Buffer.from([0x00, 0x01, 0x02, 0x03]) });

    expect(await toolErrorOf(tools, 'web_fetch', { url: `${base}/report.pdf` })).toMatchObject({
      code: 'WEB_FETCH_UNSUPPORTED_CONTENT',
      message: expect.stringMatching(/application\/pdf, not a text page/),
    });
    expect((await toolErrorOf(tools, 'web_fetch', { url: `${base}/blob` })).code).toBe('WEB_FETCH_UNSUPPORTED_CONTENT');
    expect(await toolErrorOf(tools, 'web_fetch', { url: `${base}/nowhere` })).toMatchObject({ code: 'WEB_FETCH_HTTP_ERROR', message: expect.stringMatching(/HTTP 404/) });
    expect((await toolErrorOf(tools, 'web_fetch', { url: 'ftp://example.com/file' })).code).toBe('WEB_INVALID_URL');
    await expect(runTool(tools, 'web_fetch', { url: `${base}/long`, max_length: 10 })).rejects.toThrow(ZodError);
  });
});

function rssFeed(titles: { title: string; date: string }[]): string {
  const items = titles
    .map(({ title, date }) => `<item><title>${title}</title><link>/p/${encodeURIComponent(title)}</link><pubDate>${date}</pubDate>` +
      `<description><![CDATA[<p>About <b>${title}</b> &amp; more</p>]]></description></item>`)
    .join('\n');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Tea &amp; Co</title><link>${base}/</link>${items}</channel></rss>`;
}

describe('rss_read', () => {
  it('returns the feed and its items newest first, limited', async () => {
    routes.set('/feed.xml', {
      type: 'application/rss+xml',
      body: rssFeed([
        { title: 'Oolong', date: 'Sat, 01 Jun 2024 08:00:00 GMT' },
        { title: 'Sencha', date: 'Mon, 01 Jul 2024 08:00:00 GMT' },
        { title: 'Matcha', date: 'Wed, 01 May 2024 08:00:00 GMT' },
      ]),
    });

    const result = await runTool(tools, 'rss_read', { url: `${base}/feed.xml`, max_items: 2 });

    expect(result).toEqual({
      url: `${base}/feed.xml`,
      format: 'rss',
      title: 'Tea & Co',
      link: `${base}/`,
      description: null,
      total_items: 3,
      truncated: false,
      items: [
        { title: 'Sencha', link: `${base}/p/Sencha`, published: '2024-07-01T08:00:00.000Z', summary: 'About Sencha & more' },
        { title: 'Oolong', link: `${base}/p/Oolong`, published: '2024-06-01T08:00:00.000Z', summary: 'About Oolong & more' },
      ],
    });
  });

  it('reads an Atom feed served as text/xml', async () => {
    routes.set('/atom', {
      type: 'text/xml',
      body: '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atomic</title><entry><title>One</title><link href="/one"/><updated>2024-01-01T00:00:00Z</updated><summary>Short</summary></entry></feed>',
    });

    expect(await runTool(tools, 'rss_read', { url: `${base}/atom` })).toMatchObject({
      format: 'atom',
      title: 'Atomic',
      items: [{ title: 'One', link: `${base}/one`, published: '2024-01-01T00:00:00.000Z', summary: 'Short' }],
    });
  });

  it('refuses an HTML page, naming the feeds it advertises', async () => {
    routes.set('/blog', { type: 'text/html', body: '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Blog</body></html>' });

    const error = await toolErrorOf(tools, 'rss_read', { url: `${base}/blog` });

    expect(error.code).toBe('RSS_NOT_A_FEED');
    expect(error.message).toMatch(/root element is <html>/);
    expect(error.message).toContain(`links to these feeds: ${base}/feed.xml`);
  });

  it('refuses JSON, binary content and error statuses', async () => {
    routes.set('/api', { type: 'application/json', body: '{"items": []}' });
    routes.set('/image', { type: 'image/gif', body: Buffer.from('GIF89a') });

    expect(await toolErrorOf(tools, 'rss_read', { url: `${base}/api` })).toMatchObject({ code: 'RSS_NOT_A_FEED', message: expect.stringMatching(/no XML elements/) });
    expect(await toolErrorOf(tools, 'rss_read', { url: `${base}/image` })).toMatchObject({ code: 'RSS_NOT_A_FEED', message: expect.stringMatching(/image\/gif/) });
    expect((await toolErrorOf(tools, 'rss_read', { url: `${base}/gone.xml` })).code).toBe('RSS_HTTP_ERROR');
    await expect(runTool(tools, 'rss_read', { url: `${base}/feed.xml`, max_items: 0 })).rejects.toThrow(ZodError);
  });
});
