import TurndownService from 'turndown';
import { collapseWhitespace } from './web-text.js';

/** The parts of a DOM node the rules read (the DOM types are not part of this project's lib). */
interface NodeLike {
  nodeName: string;
  textContent: string | null;
  parentNode: NodeLike | null;
  childNodes: ArrayLike<NodeLike>;
  getAttribute?(name: string): string | null;
}

/** A page reduced to what a reader needs. */
export interface ReadablePage {
  title: string | null;
  markdown: string;
  /** Which part of the page the Markdown comes from. */
  source: 'article' | 'main' | 'body';
}

/** Elements that hold navigation, chrome or no readable text at all. */
const removedElements = [
  'script',
  'style',
  'nav',
  'footer',
  'aside',
  'noscript',
  'iframe',
  'svg',
  'form',
  'template',
  'button',
  'canvas',
  'object',
  'embed',
  'dialog',
] as const;

/** What the rules note while turndown walks the page. */
interface PageNotes {
  title: string | null;
  articles: string[];
  mains: string[];
}

const asNode = (node: unknown) => node as NodeLike;
const attribute = (node: NodeLike, name: string) => node.getAttribute?.(name) ?? null;

function hasAncestor(node: NodeLike, names: readonly string[]): boolean {
  for (let parent = node.parentNode; parent !== null; parent = parent.parentNode) {
    if (names.includes(parent.nodeName)) return true;
  }
  return false;
}

/** Resolves a link or image address against the page; null for javascript:, data: and unparsable ones. */
function absoluteUrl(reference: string | null, baseUrl: string): string | null {
  if (reference === null || reference.trim() === '') return null;
  try {
    const url = new URL(reference.trim(), baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

function tidy(markdown: string): string {
  return markdown.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function addTableRules(service: TurndownService): void {
  service.addRule('tableCell', {
    filter: ['th', 'td'],
    replacement: (content) => ` ${content.replace(/\s*\n+\s*/g, ' ').trim()} |`,
  });
  service.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const cells = Array.from(asNode(node).childNodes).filter((child) => child.nodeName === 'TH' || child.nodeName === 'TD');
      const isHeader = cells.length > 0 && cells.every((cell) => cell.nodeName === 'TH');
      const separator = isHeader ? `\n|${' --- |'.repeat(cells.length)}` : '';
      return `\n|${content}${separator}`;
    },
  });
  service.addRule('tableSection', { filter: ['thead', 'tbody', 'tfoot'], replacement: (content) => content });
  service.addRule('table', { filter: 'table', replacement: (content) => `\n\n${content.trim()}\n\n` });
}

function addLinkRules(service: TurndownService, baseUrl: string): void {
  service.addRule('link', {
    filter: 'a',
    replacement: (content, node) => {
      const href = attribute(asNode(node), 'href');
      const text = content.trim();
      // In-page anchors and script links say nothing to a reader outside the page: keep only their text.
      if (href === null || href.startsWith('#')) return text;
      const url = absoluteUrl(href, baseUrl);
      return url === null || text === '' ? text : `[${text}](${url})`;
    },
  });
  service.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const alt = collapseWhitespace(attribute(asNode(node), 'alt') ?? '');
      const url = absoluteUrl(attribute(asNode(node), 'src'), baseUrl);
      if (alt === '') return '';
      return url === null ? alt : `![${alt}](${url})`;
    },
  });
}

/** A converter that drops page chrome and records the title, the articles and the main element as it goes. */
function createConverter(baseUrl: string, notes: PageNotes): TurndownService {
  const service = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  service.remove([...removedElements]);
  // The goal is readable text, not Markdown that round-trips: "file_name" must not become "file\_name".
  service.escape = (text: string) => text;
  service.addRule('title', {
    filter: 'title',
    replacement: (_content, node) => {
      notes.title ??= collapseWhitespace(asNode(node).textContent ?? '') || null;
      return '';
    },
  });
  // turndown converts children before their parent, so these see their finished Markdown; nested ones are
  // already part of the outer one.
  service.addRule('article', {
    filter: (node) => node.nodeName === 'ARTICLE',
    replacement: (content, node) => {
      if (!hasAncestor(asNode(node), ['ARTICLE'])) notes.articles.push(tidy(content));
      return `\n\n${content}\n\n`;
    },
  });
  service.addRule('main', {
    filter: (node) => node.nodeName === 'MAIN',
    replacement: (content, node) => {
      if (!hasAncestor(asNode(node), ['MAIN'])) notes.mains.push(tidy(content));
      return `\n\n${content}\n\n`;
    },
  });
  addLinkRules(service, baseUrl);
  addTableRules(service);
  // Added last because turndown tries the newest rule first, and its own rules (paragraphs, links ...) come
  // before `remove` filters: a hidden <p> would otherwise still be converted.
  service.addRule('hidden', {
    filter: (node) => attribute(asNode(node), 'hidden') !== null || attribute(asNode(node), 'aria-hidden') === 'true',
    replacement: () => '',
  });
  return service;
}

/**
 * Turns an HTML page into readable Markdown. Steps: drop scripts, styles, navigation, footers, asides, forms,
 * frames and hidden elements; convert with turndown, resolving links and images against `baseUrl`; then keep
 * the page's <article> elements when it has any, else its <main>, else the whole body.
 */
export function htmlToReadableMarkdown(html: string, baseUrl: string): ReadablePage {
  const notes: PageNotes = { title: null, articles: [], mains: [] };
  const whole = tidy(createConverter(baseUrl, notes).turndown(html));
  const articles = notes.articles.filter((text) => text !== '');
  const mains = notes.mains.filter((text) => text !== '');
  if (articles.length > 0) return { title: notes.title, markdown: articles.join('\n\n---\n\n'), source: 'article' };
  if (mains.length > 0) return { title: notes.title, markdown: mains.join('\n\n'), source: 'main' };
  return { title: notes.title, markdown: whole, source: 'body' };
}
