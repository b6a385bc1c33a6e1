import { corruptDocument } from './documents.errors.js';
import type { DocumentHeading, ExtractedDocument, ExtractionContext } from './extracted-document.js';
import { decodeText } from './text-decoding.js';

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}

/** Plain text, decoded (UTF-8 or UTF-16 with a byte-order mark). */
export async function extractPlainText(bytes: Uint8Array): Promise<ExtractedDocument> {
  const { text, encoding } = decodeText(bytes);
  return { text, format: 'txt', metadata: { encoding, lines: lineCount(text) } };
}

/** ATX headings ("## Title") outside fenced code blocks. */
export function markdownHeadings(markdown: string): DocumentHeading[] {
  const headings: DocumentHeading[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading && heading[2] !== '') headings.push({ level: heading[1]!.length, text: heading[2]! });
  }
  return headings;
}

/** Markdown, kept as written, with its headings. */
export async function extractMarkdown(bytes: Uint8Array): Promise<ExtractedDocument> {
  const { text, encoding } = decodeText(bytes);
  return { text, format: 'markdown', headings: markdownHeadings(text), metadata: { encoding, lines: lineCount(text) } };
}

/** JSON, checked and pretty-printed with two-space indentation. */
export async function extractJson(bytes: Uint8Array, context: ExtractionContext): Promise<ExtractedDocument> {
  const { text: source, encoding } = decodeText(bytes);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw corruptDocument('JSON', context.fileName, error);
  }
  return { text: JSON.stringify(value, null, 2), format: 'json', metadata: { encoding } };
}
