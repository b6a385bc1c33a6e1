import { corruptDocument } from './documents.errors.js';
import type { DocumentHeading, ExtractedDocument, ExtractionContext } from './extracted-document.js';

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Undoes the few escapes mammoth writes into its HTML. */
function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name: string) => entities[name] ?? '');
}

/** Headings of mammoth's HTML: its default style map turns Word's Heading 1-6 styles into h1-h6. */
function headingsOf(html: string): DocumentHeading[] {
  return [...html.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)].map((match) => ({
    level: Number(match[1]),
    text: decodeEntities(match[2]!.replace(/<[^>]+>/g, '')).trim(),
  }));
}

/** Extracts the raw text of a Word document with mammoth, and its headings from mammoth's HTML. */
export async function extractDocx(bytes: Uint8Array, context: ExtractionContext): Promise<ExtractedDocument> {
  const { default: mammoth } = await import('mammoth');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let raw: { value: string; messages: { type: string }[] };
  let html: { value: string };
  try {
    [raw, html] = await Promise.all([mammoth.extractRawText({ buffer }), mammoth.convertToHtml({ buffer })]);
  } catch (error) {
    throw corruptDocument('DOCX', context.fileName, error);
  }
  context.checkpoint();
  const text = raw.value
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const warnings = raw.messages.filter((message) => message.type === 'warning').length;
  return { text, format: 'docx', headings: headingsOf(html.value), metadata: warnings > 0 ? { warnings } : {} };
}
