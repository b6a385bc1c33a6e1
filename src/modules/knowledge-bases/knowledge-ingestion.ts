import { embedMany } from 'ai';
import { embedInBatches } from '../../engine/rag/embed-in-batches.js';
import { splitIntoChunks, type TextChunk } from '../../engine/rag/chunking.js';
import type { Clock } from '../../platform/clock.js';
import type { DocumentStatus } from '../../platform/db/schema/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { JobContext, JobQueue } from '../../platform/jobs/job-queue.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import { explainProviderError } from '../../platform/llm/llm-errors.js';
import type { RetryPolicy } from '../../platform/llm/retry-policy.js';
import type { Logger } from '../../platform/logger.js';
import type { ChunkInput, VectorStore } from '../../platform/vector-store/index.js';
import { readDocumentSource, type DocumentSourceDeps } from './document-source.js';
import type { DocumentRecord, KnowledgeBaseRecord, KnowledgeBasesRepository } from './knowledge-bases.repository.js';

/** The job that ingests one document. */
export const INGEST_DOCUMENT_JOB = 'knowledge.ingest-document';

/** Separates the pages of a PDF's stored text. */
const PAGE_BREAK = '\f';

/** The payload of an ingestion job: the document, and which of its ingestions this is. */
export interface IngestDocumentPayload {
  documentId: string;
  ingestionId: string;
}

/** What ingestion is made of. */
export interface KnowledgeIngestionDeps {
  repository: KnowledgeBasesRepository;
  vectors: VectorStore;
  gateway: ModelGateway;
  source: DocumentSourceDeps;
  jobs: JobQueue;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** Retries of an embedding batch after 429s and transient errors. */
  embeddingRetry: Pick<RetryPolicy, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'>;
  /** Documents ingested at once by this process. */
  concurrency: number;
}

/** Thrown inside a job whose document was deleted or re-queued meanwhile: it just stops. */
class Superseded extends Error {}

/**
 * Document ingestion as a background job: parse -> chunk -> embed -> store, with the state and
 * progress written on the document as it goes, so lists show `parsing`, `embedding 40/120` ...
 */
export class KnowledgeIngestion {
  constructor(private readonly deps: KnowledgeIngestionDeps) {
    deps.jobs.register<IngestDocumentPayload>(INGEST_DOCUMENT_JOB, (job) => this.run(job), {
      concurrency: deps.concurrency,
    });
  }

  /** Starts a fresh ingestion of the document (any earlier one stops at its next step). */
  async enqueue(documentId: string): Promise<void> {
    const ingestionId = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    const updated = await this.deps.repository.updateDocument(documentId, {
      ingestionId,
      status: 'pending',
      error: null,
      chunksDone: 0,
      chunksTotal: 0,
      attempts: 0,
      updatedAt: now,
    });
    // Ingestion errors are written on the document; the job itself never fails, so no queue retry.
    if (updated) await this.deps.jobs.enqueue<IngestDocumentPayload>(INGEST_DOCUMENT_JOB, { documentId, ingestionId }, { attempts: 1 });
  }

  /**
   * Picks up documents a stopped process left unfinished. A running ingestion touches its document
   * at every step, so one idle for `staleAfterMs` is an orphan (0: every unfinished one, when this
   * process owns the database alone).
   */
  async resumeUnfinished(staleAfterMs: number): Promise<number> {
    const staleBefore = new Date(this.deps.clock.now().getTime() - staleAfterMs);
    const unfinished = await this.deps.repository.unfinishedDocuments(staleBefore);
    for (const document of unfinished) await this.enqueue(document.id);
    return unfinished.length;
  }

  private async run(job: JobContext<IngestDocumentPayload>): Promise<void> {
    const { documentId, ingestionId } = job.payload;
    const { repository } = this.deps;
    const found = await repository.findDocumentById(documentId);
    if (!found || found.document.ingestionId !== ingestionId) return;
    try {
      await this.ingest(found.base, found.document, job.signal);
    } catch (error) {
      if (error instanceof Superseded || job.signal.aborted) return;
      const failure = describeFailure(error);
      this.deps.logger.warn({ documentId, error: failure }, 'document ingestion failed');
      await this.advance(found.document, 'failed', { error: failure }).catch(() => undefined);
    }
  }

  private async ingest(base: KnowledgeBaseRecord, document: DocumentRecord, signal: AbortSignal): Promise<void> {
    const { repository } = this.deps;
    await this.advance(document, 'parsing');
    const stored = await repository.documentContent(document.id);
    // Text read once is kept, so re-indexing (a new model, new chunking) never fetches again.
    let pages: string[];
    // The format read from the bytes: a URL has none before its first fetch, and a name may lie.
    let format = document.format;
    if (stored !== null && document.sourceType !== 'text') {
      pages = format === 'pdf' ? stored.split(PAGE_BREAK) : [stored];
      await this.advance(document, 'chunking');
    } else {
      const extracted = await readDocumentSource(this.deps.source, { ownerId: base.ownerId, document, rawText: stored, signal });
      pages = extracted.pageTexts ?? [extracted.text];
      format = extracted.format;
      // Pages are kept apart by a form feed, so a re-index still knows each chunk's page.
      const content = document.sourceType === 'text' ? stored : pages.join(PAGE_BREAK);
      await this.advance(document, 'chunking', { content, format, sizeBytes: extracted.sizeBytes });
    }
    const chunks = await chunkDocument(pages, format === 'pdf' || pages.length > 1, base);
    if (chunks.length === 0) throw new AppError({ code: 'DOCUMENT_EMPTY', category: 'validation', message: 'The document has no text to index' });
    await this.advance(document, 'embedding', { chunksTotal: chunks.length, chunksDone: 0 });
    const embeddings = await this.embed(base, document, chunks, signal);
    await this.store(base, document, chunks, embeddings);
  }

  private async embed(base: KnowledgeBaseRecord, document: DocumentRecord, chunks: ChunkDraft[], signal: AbortSignal) {
    const model = await this.deps.gateway.resolveEmbedding(base.ownerId, base.embeddingModelConfigId, { userId: base.ownerId });
    let attempts = 0;
    return embedInBatches({
      values: chunks.map((chunk) => chunk.content),
      embed: async (values, batchSignal) => (await embedMany({ model, values, maxRetries: 0, abortSignal: batchSignal })).embeddings,
      retry: this.deps.embeddingRetry,
      signal,
      onProgress: (done) => this.advance(document, 'embedding', { chunksDone: done }),
      onRetry: ({ retry }) => {
        attempts = retry;
        return this.advance(document, 'embedding', { attempts });
      },
    });
  }

  private async store(base: KnowledgeBaseRecord, document: DocumentRecord, chunks: ChunkDraft[], embeddings: number[][]) {
    const { vectors, ids } = this.deps;
    const dimensions = embeddings[0]?.length ?? 0;
    const inputs: ChunkInput[] = chunks.map((chunk, index) => ({
      id: ids.uuid(),
      position: chunk.position,
      content: chunk.content,
      metadata: { ...document.metadata, ...chunk.metadata },
      embedding: embeddings[index]!,
    }));
    await vectors.beginBulkLoad(base.id, inputs.length);
    const stored = await vectors.replaceDocumentChunks({
      knowledgeBaseId: base.id,
      documentId: document.id,
      ingestionId: document.ingestionId!,
      space: { modelConfigId: base.embeddingModelConfigId, dimensions },
      chunks: inputs,
    });
    await vectors.finishBulkLoad(base.id);
    if (!stored) throw new Superseded();
    await this.advance(document, 'indexed', { indexedAt: this.deps.clock.now() });
  }

  /** Writes the next state, unless the document is gone or another ingestion took over. */
  private async advance(document: DocumentRecord, status: DocumentStatus, changes: Record<string, unknown> = {}): Promise<void> {
    const updated = await this.deps.repository.updateIngestingDocument(document.id, document.ingestionId!, {
      status,
      ...changes,
      updatedAt: this.deps.clock.now(),
    });
    if (!updated) throw new Superseded();
  }
}

/** A chunk before embedding: its text, position and metadata (the PDF page it came from). */
interface ChunkDraft extends TextChunk {
  metadata: Record<string, unknown>;
}

/** Cuts the text by the base's settings; a PDF page by page, so each chunk knows its page. */
async function chunkDocument(pages: string[], paged: boolean, base: KnowledgeBaseRecord): Promise<ChunkDraft[]> {
  const options = {
    chunkSize: base.chunking.chunk_size,
    chunkOverlap: base.chunking.chunk_overlap,
    ...(base.chunking.separators.length > 0 ? { separators: base.chunking.separators } : {}),
  };
  const drafts: ChunkDraft[] = [];
  for (const [index, page] of pages.entries()) {
    for (const chunk of await splitIntoChunks(page, options)) {
      drafts.push({ ...chunk, position: drafts.length, metadata: paged ? { page: index + 1 } : {} });
    }
  }
  return drafts;
}

/** The {code, message} written on a failed document. */
function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'EMBEDDING_FAILED', message: explainProviderError(error, 'embedding model') };
}
