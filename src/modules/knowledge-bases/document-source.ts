import { AppError } from '../../platform/errors/app-error.js';
import type { HttpClient } from '../../platform/http-client/index.js';
import type { ExtractedDocument, TextExtractor } from '../../platform/documents/extracted-document.js';
import type { WorkspaceStore } from '../../platform/workspace/workspace-store.js';
import type { DocumentRecord } from './knowledge-bases.repository.js';

/** Where documents are read from and the limits they are read under. */
export interface DocumentSourceDeps {
  workspace: WorkspaceStore;
  http: HttpClient;
  extractText: TextExtractor;
  /** Largest document read (bytes), uploads and URLs alike. */
  maxDocumentBytes: number;
  /** How long a URL may take to download. */
  fetchTimeoutMs: number;
}

/** What a raw-text document's stored text is read as: its declared format. */
const textFileNames: Record<string, string> = { txt: 'text.txt', markdown: 'text.md', html: 'text.html', csv: 'text.csv', json: 'text.json' };

/**
 * Reads a document's source and extracts its text: the uploaded file from the owner's workspace,
 * the URL through the SSRF-guarded client, or the raw text given at creation.
 */
export async function readDocumentSource(
  deps: DocumentSourceDeps,
  options: { ownerId: string; document: DocumentRecord; rawText: string | null; signal: AbortSignal },
): Promise<ExtractedDocument & { sizeBytes: number }> {
  const { document, signal } = options;
  const limits = { maxBytes: deps.maxDocumentBytes, signal };
  if (document.sourceType === 'text') {
    const bytes = new TextEncoder().encode(options.rawText ?? '');
    const fileName = textFileNames[document.format ?? 'txt'] ?? 'text.txt';
    return { ...(await deps.extractText({ bytes, fileName }, limits)), sizeBytes: bytes.byteLength };
  }
  if (document.sourceType === 'upload') {
    const bytes = await deps.workspace.forUser(options.ownerId).read(document.source!, { maxBytes: deps.maxDocumentBytes });
    return { ...(await deps.extractText({ bytes, fileName: document.source! }, limits)), sizeBytes: bytes.byteLength };
  }
  const response = await deps.http.request(document.source!, {
    timeoutMs: deps.fetchTimeoutMs,
    maxResponseBytes: deps.maxDocumentBytes,
    signal,
  });
  if (response.status < 200 || response.status >= 300) {
    throw new AppError({
      code: 'DOCUMENT_FETCH_FAILED',
      category: 'upstream',
      message: `Fetching ${response.url} answered HTTP ${response.status}`,
      details: { status: response.status },
    });
  }
  const fileName = new URL(response.url).pathname.split('/').pop() || 'index.html';
  const mimeType = response.headers.get('content-type') ?? undefined;
  const extracted = await deps.extractText({ bytes: response.bytes, fileName, ...(mimeType ? { mimeType } : {}) }, limits);
  return { ...extracted, sizeBytes: response.bytes.byteLength };
}
