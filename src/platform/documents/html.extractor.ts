import type TurndownService from 'turndown';
import type { DocumentHeading, DocumentMetadata, ExtractedDocument, ExtractionContext } from './extracted-document.js';
import { decodeText } from './text-decoding.js';

/** The parts of a DOM node the rules read (the DOM types are not part of this project's lib). */
interface NodeLike {
  nodeName: string;
  textContent: string | null;
}

/** Elements whose content is never readable text. */
const invisible = ['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas'] as const;

function collapse(text: string | null): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** A converter to Markdown that records the page title and the headings while it runs. */
function converter(Turndown: typeof TurndownService, found: { title?: string; headings: DocumentHeading[] }): TurndownService {
  const service = new Turndown({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-' });
  service.remove([...invisible]);
  // The goal is readable text, not Markdown that round-trips: "file_name" must not become "file\_name".
  service.escape = (text: string) => text;
  service.addRule('title', {
    filter: 'title',
    replacement: (_content, node) => {
      found.title ??= collapse((node as unknown as NodeLike).textContent);
      return '';
    },
  });
  service.addRule('heading', {
    filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    replacement: (content, node) => {
      const level = Number((node as unknown as NodeLike).nodeName.slice(1));
      const text = collapse((node as unknown as NodeLike).textContent);
      if (text !== '') found.headings.push({ level, text });
      return `\n\n${'#'.repeat(level)} ${content.replace(/\s+/g, ' ').trim()}\n\n`;
    },
  });
  return service;
}

/** Turns HTML into readable Markdown with turndown, dropping scripts, styles and other non-text. */
export async function extractHtml(bytes: Uint8Array, context: ExtractionContext): Promise<ExtractedDocument> {
  const { default: Turndown } = await import('turndown');
  const { text: html, encoding } = decodeText(bytes);
  const found: { title?: string; headings: DocumentHeading[] } = { headings: [] };
  const markdown = converter(Turndown, found).turndown(html);
  context.checkpoint();
  const metadata: DocumentMetadata = { encoding };
  if (found.title) metadata.title = found.title;
  return { text: markdown.replace(/\n{3,}/g, '\n\n').trim(), format: 'html', headings: found.headings, metadata };
}
