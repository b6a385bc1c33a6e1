import { hintedFormat } from '../../platform/documents/document-format.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { HttpClient } from '../../platform/http-client/index.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow } from '../../platform/pagination.js';
import type { VectorStore } from '../../platform/vector-store/index.js';
import { isWorkspaceError } from '../../platform/workspace/workspace.errors.js';
import type { WorkspaceStore } from '../../platform/workspace/workspace-store.js';
import { documentNotFound, documentTooLarge, documentTypeNotSupported, uploadNotFound } from './knowledge-bases.errors.js';
import type { DocumentRecord, KnowledgeBasesRepository } from './knowledge-bases.repository.js';
import type { CreateDocumentInput, DocumentResponse, ListDocumentsQuery } from './knowledge-bases.schemas.js';
import type { KnowledgeBasesService } from './knowledge-bases.service.js';
import type { KnowledgeIngestion } from './knowledge-ingestion.js';

/** What the documents service is made of. */
export interface KnowledgeDocumentsServiceDeps {
  bases: KnowledgeBasesService;
  repository: KnowledgeBasesRepository;
  vectors: VectorStore;
  ingestion: KnowledgeIngestion;
  workspace: WorkspaceStore;
  http: HttpClient;
  /** Largest document accepted, in bytes. */
  maxDocumentBytes: number;
  clock: Clock;
  ids: IdGenerator;
}

/** A document as the API shows it. */
export function toDocumentResponse(document: DocumentRecord): DocumentResponse {
  return {
    id: document.id,
    knowledge_base_id: document.knowledgeBaseId,
    name: document.name,
    source_type: document.sourceType,
    source: document.source,
    format: document.format,
    size_bytes: document.sizeBytes,
    status: document.status,
    error: document.error ?? null,
    progress: { chunks_done: document.chunksDone, chunks_total: document.chunksTotal },
    attempts: document.attempts,
    metadata: document.metadata,
    created_at: document.createdAt.toISOString(),
    updated_at: document.updatedAt.toISOString(),
    indexed_at: document.indexedAt?.toISOString() ?? null,
  };
}

/** The last segment of a URL's path, or its host, as a readable document name. */
function nameOfUrl(url: string): string {
  const parsed = new URL(url);
  const last = decodeURIComponent(parsed.pathname.split('/').filter(Boolean).pop() ?? '');
  return (last || parsed.host).slice(0, 255);
}

/** The documents of a knowledge base: added from uploads, text or URLs, ingested in the background. */
export class KnowledgeDocumentsService {
  constructor(private readonly deps: KnowledgeDocumentsServiceDeps) {}

  async list(actor: Actor, knowledgeBaseId: string, query: ListDocumentsQuery) {
    await this.deps.bases.require(actor, knowledgeBaseId);
    const page = await this.deps.repository.listDocuments(knowledgeBaseId, query, pageWindow(query));
    return pageOf(query, page, toDocumentResponse);
  }

  async get(actor: Actor, knowledgeBaseId: string, id: string): Promise<DocumentResponse> {
    await this.deps.bases.require(actor, knowledgeBaseId);
    const document = await this.deps.repository.findDocument(knowledgeBaseId, id);
    if (!document) throw documentNotFound(id);
    return toDocumentResponse(document);
  }

  /** Checks the source, stores the document as `pending` and queues its ingestion. */
  async add(actor: Actor, knowledgeBaseId: string, input: CreateDocumentInput): Promise<DocumentResponse> {
    await this.deps.bases.require(actor, knowledgeBaseId);
    const source = await this.checkSource(actor, input);
    const now = this.deps.clock.now();
    const document = await this.deps.repository.insertDocument({
      id: this.deps.ids.uuid(),
      knowledgeBaseId,
      status: 'pending',
      metadata: input.metadata,
      createdAt: now,
      updatedAt: now,
      ...source,
    });
    await this.deps.ingestion.enqueue(document.id);
    return toDocumentResponse((await this.deps.repository.findDocument(knowledgeBaseId, document.id)) ?? document);
  }

  /** Ingests the document again from its stored text (or its source when it never parsed). */
  async reindex(actor: Actor, knowledgeBaseId: string, id: string): Promise<DocumentResponse> {
    await this.get(actor, knowledgeBaseId, id);
    await this.deps.ingestion.enqueue(id);
    return this.get(actor, knowledgeBaseId, id);
  }

  /** Deletes the document and its chunks; an ingestion still running stops at its next step. */
  async delete(actor: Actor, knowledgeBaseId: string, id: string): Promise<void> {
    await this.get(actor, knowledgeBaseId, id);
    await this.deps.vectors.deleteDocumentChunks(knowledgeBaseId, id);
    if (!(await this.deps.repository.deleteDocument(knowledgeBaseId, id))) throw documentNotFound(id);
  }

  private async checkSource(actor: Actor, input: CreateDocumentInput) {
    if (input.source === 'text') {
      const sizeBytes = Buffer.byteLength(input.text);
      if (sizeBytes > this.deps.maxDocumentBytes) throw documentTooLarge(this.deps.maxDocumentBytes);
      return { name: input.name, sourceType: 'text' as const, source: null, format: input.format, sizeBytes, content: input.text };
    }
    if (input.source === 'url') {
      // Refuses private and loopback targets now, with a 4xx, rather than as a failed document later.
      await this.deps.http.check(input.url);
      return { name: input.name ?? nameOfUrl(input.url), sourceType: 'url' as const, source: input.url, format: null, sizeBytes: 0 };
    }
    const entry = await this.deps.workspace
      .forUser(actor.userId)
      .stat(input.path)
      .catch((error: unknown) => {
        if (isWorkspaceError(error, 'not_found') || isWorkspaceError(error, 'invalid_path')) throw uploadNotFound(input.path);
        throw error;
      });
    if (entry.kind !== 'file') throw uploadNotFound(input.path);
    if (entry.size > this.deps.maxDocumentBytes) throw documentTooLarge(this.deps.maxDocumentBytes);
    const format = hintedFormat({ fileName: entry.name });
    if (format === null) throw documentTypeNotSupported(entry.name);
    return { name: input.name ?? entry.name, sourceType: 'upload' as const, source: entry.path, format, sizeBytes: entry.size };
  }
}
