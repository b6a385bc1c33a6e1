import { decodeEntities } from './web-text.js';

/** An element of a parsed XML document; names are lower-cased and keep their prefix (`dc:date`). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/** An element or a run of (already decoded) text. */
export type XmlNode = XmlElement | string;

/** Deeper nesting than this is flattened into the innermost open element, so a hostile document cannot blow the stack. */
const maxDepth = 200;

/** Where a construct that is skipped whole (comment, CDATA, declaration) ends, and what it contributes. */
interface Skipped {
  end: number;
  text?: string;
}

/**
 * Reads the markup constructs that are not elements: comments, CDATA sections (kept as text), processing
 * instructions and DOCTYPE declarations (skipped, internal subset included; their entities are never expanded).
 */
function readSpecial(text: string, start: number): Skipped | null {
  const after = (marker: string, from: number) => {
    const index = text.indexOf(marker, from);
    return index === -1 ? text.length : index + marker.length;
  };
  if (text.startsWith('<!--', start)) return { end: after('-->', start + 4) };
  if (text.startsWith('<![CDATA[', start)) {
    const end = after(']]>', start + 9);
    return { end, text: text.slice(start + 9, Math.max(start + 9, end - 3)) };
  }
  if (text.startsWith('<?', start)) return { end: after('?>', start + 2) };
  if (text.startsWith('<!', start)) {
    const subset = text.indexOf('[', start);
    const close = text.indexOf('>', start);
    if (subset !== -1 && (close === -1 || subset < close)) return { end: after('>', after(']', subset)) };
    return { end: close === -1 ? text.length : close + 1 };
  }
  return null;
}

/** Finds the `>` that ends a tag, ignoring any inside quoted attribute values. */
function tagEnd(text: string, start: number): number {
  let quote: string | null = null;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (quote !== null) {
      if (character === quote) quote = null;
    } else if (character === '"' || character === "'") {
      quote = character;
    } else if (character === '>') {
      return index;
    }
  }
  return -1;
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    const name = match[1]!.toLowerCase();
    attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

/** The parser's state: the open elements, innermost last, under a synthetic document element. */
class TreeBuilder {
  readonly document: XmlElement = { name: '#document', attributes: {}, children: [] };
  private readonly open: XmlElement[] = [this.document];

  private get current(): XmlElement {
    return this.open[this.open.length - 1]!;
  }

  text(value: string): void {
    if (value !== '') this.current.children.push(value);
  }

  start(name: string, attributes: Record<string, string>, selfClosing: boolean): void {
    const element: XmlElement = { name, attributes, children: [] };
    this.current.children.push(element);
    if (!selfClosing && this.open.length <= maxDepth) this.open.push(element);
  }

  /** Closes `name` and anything left open inside it; a stray end tag with no open match is ignored. */
  end(name: string): void {
    for (let index = this.open.length - 1; index > 0; index -= 1) {
      if (this.open[index]!.name === name) {
        this.open.length = index;
        return;
      }
    }
  }
}

/**
 * A tolerant XML reader for feeds: it never throws, decodes character references, keeps CDATA as text,
 * closes elements left open and ignores stray end tags. Namespaces are not resolved; a name keeps its prefix.
 * Returns the document's first element, or null when there is none.
 */
export function parseXml(text: string): XmlElement | null {
  const builder = new TreeBuilder();
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('<', index);
    builder.text(decodeEntities(text.slice(index, open === -1 ? text.length : open)));
    if (open === -1) break;
    const special = readSpecial(text, open);
    if (special !== null) {
      if (special.text !== undefined) builder.text(special.text);
      index = special.end;
      continue;
    }
    const isEnd = text[open + 1] === '/';
    const name = /^[A-Za-z_][\w.:-]*/.exec(text.slice(open + (isEnd ? 2 : 1), open + 200))?.[0];
    const close = name === undefined ? -1 : tagEnd(text, open + 1);
    if (name === undefined || close === -1) {
      // A "<" that starts no tag is text, as browsers and lenient feed readers treat it.
      builder.text('<');
      index = open + 1;
      continue;
    }
    if (isEnd) {
      builder.end(name.toLowerCase());
    } else {
      const body = text.slice(open + 1 + name.length, close);
      builder.start(name.toLowerCase(), parseAttributes(body.replace(/\/\s*$/, '')), /\/\s*$/.test(body));
    }
    index = close + 1;
  }
  return builder.document.children.find((node): node is XmlElement => typeof node !== 'string') ?? null;
}

/** The child elements called `name` (exact, prefix included). */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((node): node is XmlElement => typeof node !== 'string' && node.name === name);
}

/** The first child element among `names`, trying each name in order. */
export function firstChild(element: XmlElement, ...names: string[]): XmlElement | undefined {
  for (const name of names) {
    const found = childElements(element, name)[0];
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The text inside an element and its descendants; `separator` goes between the text of sibling elements. */
export function textOf(element: XmlElement, separator = ''): string {
  return element.children.map((node) => (typeof node === 'string' ? node : textOf(node, separator) + separator)).join('');
}
