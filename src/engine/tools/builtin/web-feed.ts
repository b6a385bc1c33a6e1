import { collapseWhitespace, plainTextFromHtml, shortenText } from './web-text.js';
import { childElements, firstChild, parseXml, textOf, type XmlElement } from './web-xml-reader.js';

/** One entry of a feed, reduced to what a reader needs. */
export interface FeedItem {
  title: string | null;
  link: string | null;
  /** ISO 8601, or null when the item has no date that parses. */
  published: string | null;
  /** Plain text (HTML removed), shortened. */
  summary: string;
}

/** A parsed RSS or Atom feed. */
export interface Feed {
  format: 'rss' | 'atom';
  title: string | null;
  link: string | null;
  description: string | null;
  items: FeedItem[];
}

/** The document is not RSS or Atom; `rootName` is its first element (null when it has none). */
export class NotAFeedError extends Error {
  constructor(readonly rootName: string | null) {
    super(rootName === null ? 'The document contains no XML elements' : `The document's root element is <${rootName}>, not <rss> or <feed>`);
    this.name = 'NotAFeedError';
  }
}

/** How long an item summary may get, in characters. */
export const maxSummaryLength = 500;

function plainText(element: XmlElement | undefined): string | null {
  if (element === undefined) return null;
  // Atom's type="text" is literal; everything else (RSS descriptions, Atom html/xhtml) is HTML in practice.
  const type = element.attributes.type ?? 'html';
  const text = type === 'xhtml' ? collapseWhitespace(textOf(element, ' ')) : type === 'text' ? collapseWhitespace(textOf(element)) : plainTextFromHtml(textOf(element));
  return text === '' ? null : text;
}

function resolveLink(reference: string | null | undefined, base: string): string | null {
  const trimmed = reference?.trim();
  if (trimmed === undefined || trimmed === '') return null;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

function isoDate(element: XmlElement | undefined): string | null {
  if (element === undefined) return null;
  const time = Date.parse(collapseWhitespace(textOf(element)));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** The base URL for links inside `element`: its xml:base resolved against the parent's. */
function baseOf(element: XmlElement, parentBase: string): string {
  return resolveLink(element.attributes['xml:base'], parentBase) ?? parentBase;
}

function rssItem(item: XmlElement, base: string): FeedItem {
  const guid = firstChild(item, 'guid');
  const guidIsLink = guid !== undefined && guid.attributes.ispermalink !== 'false' && /^https?:/i.test(textOf(guid).trim());
  const linkElement = firstChild(item, 'link');
  const link = resolveLink(linkElement && textOf(linkElement), base) ?? (guidIsLink ? resolveLink(textOf(guid), base) : null);
  const summary = plainText(firstChild(item, 'description', 'content:encoded', 'summary')) ?? '';
  return {
    title: plainText(firstChild(item, 'title')),
    link,
    published: isoDate(firstChild(item, 'pubdate', 'dc:date', 'published', 'updated', 'a10:updated')),
    summary: shortenText(summary, maxSummaryLength),
  };
}

/** RSS 2.0 (and 0.9x): items live in the channel. RSS 1.0 (RDF): items are siblings of the channel. */
function parseRss(root: XmlElement, feedUrl: string): Feed {
  const channel = firstChild(root, 'channel') ?? root;
  const items = [...childElements(channel, 'item'), ...(channel === root ? [] : childElements(root, 'item'))];
  const link = firstChild(channel, 'link');
  return {
    format: 'rss',
    title: plainText(firstChild(channel, 'title')),
    link: resolveLink(link && textOf(link), feedUrl),
    description: plainText(firstChild(channel, 'description')),
    items: items.map((item) => rssItem(item, feedUrl)),
  };
}

/** Atom links: the `alternate` one (rel absent means alternate), HTML preferred, else the first with an href. */
function atomLink(element: XmlElement, names: { link: string }, base: string): string | null {
  const links = childElements(element, names.link).filter((link) => (link.attributes.href ?? '') !== '');
  const alternates = links.filter((link) => (link.attributes.rel ?? 'alternate') === 'alternate');
  const chosen = alternates.find((link) => (link.attributes.type ?? 'text/html').includes('html')) ?? alternates[0] ?? links[0];
  return resolveLink(chosen?.attributes.href, base);
}

function parseAtom(root: XmlElement, feedUrl: string): Feed {
  // A feed written as <atom:feed> uses the same prefix on every element.
  const prefix = root.name.includes(':') ? `${root.name.split(':')[0]}:` : '';
  const name = (local: string) => `${prefix}${local}`;
  const feedBase = baseOf(root, feedUrl);
  const items = childElements(root, name('entry')).map((entry): FeedItem => {
    const base = baseOf(entry, feedBase);
    const summary = plainText(firstChild(entry, name('summary'), name('content'))) ?? '';
    return {
      title: plainText(firstChild(entry, name('title'))),
      link: atomLink(entry, { link: name('link') }, base),
      published: isoDate(firstChild(entry, name('published'), name('updated'), name('issued'), name('modified'))),
      summary: shortenText(summary, maxSummaryLength),
    };
  });
  return {
    format: 'atom',
    title: plainText(firstChild(root, name('title'))),
    link: atomLink(root, { link: name('link') }, feedBase),
    description: plainText(firstChild(root, name('subtitle'), name('tagline'))),
    items,
  };
}

/**
 * Reads an RSS (2.0, 0.9x, 1.0) or Atom feed tolerantly: links are made absolute against `feedUrl` (and
 * xml:base), dates become ISO 8601, summaries become plain text. Throws NotAFeedError for anything else.
 */
export function parseFeed(xml: string, feedUrl: string): Feed {
  const root = parseXml(xml);
  if (root === null) throw new NotAFeedError(null);
  if (root.name === 'rss' || root.name === 'rdf:rdf') return parseRss(root, feedUrl);
  if (root.name === 'feed' || root.name.endsWith(':feed')) return parseAtom(root, feedUrl);
  throw new NotAFeedError(root.name);
}

/** Items with a date first, newest first; undated items keep their feed order after them. */
export function newestFirst(items: readonly FeedItem[]): FeedItem[] {
  const time = (item: FeedItem) => (item.published === null ? Number.NEGATIVE_INFINITY : Date.parse(item.published));
  return [...items].sort((left, right) => time(right) - time(left) || 0);
}

/** Feed addresses an HTML page advertises with <link rel="alternate" type="application/rss+xml|atom+xml">. */
export function advertisedFeeds(html: string, pageUrl: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const attribute = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const value = (name: string) => {
      const match = attribute(name);
      return match === null ? '' : (match[1] ?? match[2] ?? match[3] ?? '');
    };
    if (!/\balternate\b/i.test(value('rel')) || !/(rss|atom)\+xml/i.test(value('type'))) continue;
    const link = resolveLink(value('href'), pageUrl);
    if (link !== null && !found.includes(link)) found.push(link);
  }
  return found.slice(0, 5);
}
