/**
 * Ingestion for bench:kb: documents through the real KnowledgeIngestion pipeline (parse -> chunk
 * -> embed -> store, with every status write) with an embedder that answers at once, the plain
 * INSERT baseline, and a timed rebuild of the base's vector index.
 */
import { MockEmbeddingModelV3 } from 'ai/test';
import { sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, real, text, uuid } from 'drizzle-orm/pg-core';
import { randomUUID } from 'node:crypto';
import { KnowledgeBasesRepository } from '../src/modules/knowledge-bases/knowledge-bases.repository.js';
import { KnowledgeIngestion } from '../src/modules/knowledge-bases/knowledge-ingestion.js';
import { systemClock } from '../src/platform/clock.js';
import { knowledgeDocuments } from '../src/platform/db/schema/index.js';
import { extractText } from '../src/platform/documents/extract-text.js';
import type { HttpClient } from '../src/platform/http-client/index.js';
import { uuidV7Generator } from '../src/platform/ids.js';
import { InMemoryJobQueue } from '../src/platform/jobs/job-queue.memory.js';
import type { ModelGateway } from '../src/platform/llm/gateway.js';
import { createLogger } from '../src/platform/logger.js';
import type { VectorStore } from '../src/platform/vector-store/index.js';
import type { WorkspaceStore } from '../src/platform/workspace/workspace-store.js';
import { BenchFailure } from './bench-kit.js';
import type { BenchDatabase } from './kb-target.js';
import { asProviderVector, type VectorSet } from './kb-data.js';

/** The bench's documents: each is a run of consecutive rows of the vector set, one paragraph a row. */
export interface Corpus {
  readonly data: VectorSet;
  readonly texts: readonly string[];
  /** [first row, end row) of each document. */
  readonly documents: ReadonlyArray<readonly [number, number]>;
  /** The row of each chunk text, for the embedder and for recall. */
  readonly rowOfText: ReadonlyMap<string, number>;
}

/** Cuts `texts` into documents of `chunksPerDocument` paragraphs. */
export function buildCorpus(data: VectorSet, texts: readonly string[], chunksPerDocument: number): Corpus {
  const documents: Array<[number, number]> = [];
  for (let start = 0; start < data.count; start += chunksPerDocument) documents.push([start, Math.min(data.count, start + chunksPerDocument)]);
  const rowOfText = new Map(texts.map((content, row) => [content, row]));
  if (rowOfText.size !== texts.length) throw new BenchFailure('chunk texts are not unique');
  return { data, texts, documents, rowOfText };
}

/** The vector of `row` as an embedding model returns it. */
export function vectorOf(data: VectorSet, row: number): number[] {
  return asProviderVector(data.vectors.subarray(row * data.dimensions, (row + 1) * data.dimensions));
}

/** An embedding model that answers at once with each text's precomputed vector (unknown text: an error). */
function precomputedEmbedder(corpus: Corpus): MockEmbeddingModelV3 {
  return new MockEmbeddingModelV3({
    modelId: 'bench-precomputed',
    maxEmbeddingsPerCall: 2048,
    supportsParallelCalls: true,
    doEmbed: async ({ values }) => ({
      embeddings: values.map((value) => {
        const row = corpus.rowOfText.get(value);
        if (row === undefined) throw new BenchFailure(`the pipeline embedded a text the bench did not write: ${value.slice(0, 80)}…`);
        return vectorOf(corpus.data, row);
      }),
      warnings: [],
    }),
  });
}

/** Stands in for a dependency that text documents never touch; any use is a bench bug. */
function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      throw new BenchFailure(`${name}.${String(property)} was used, but bench:kb only ingests text documents`);
    },
  });
}

/** Wall time spent inside each VectorStore method (overlapping calls counted once). */
class TimedVectorStore implements VectorStore {
  readonly intervals = new Map<string, Array<[number, number]>>();

  constructor(private readonly inner: VectorStore) {}

  get kind() {
    return this.inner.kind;
  }

  private async timed<T>(name: string, call: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await call();
    } finally {
      const list = this.intervals.get(name) ?? [];
      list.push([startedAt, performance.now()]);
      this.intervals.set(name, list);
    }
  }

  /** Milliseconds during which at least one call of `name` was running. */
  busyMs(name: string): number {
    const sorted = [...(this.intervals.get(name) ?? [])].sort((left, right) => left[0] - right[0]);
    let total = 0;
    let [start, end] = [Number.NaN, Number.NaN];
    for (const [from, to] of sorted) {
      if (!(from <= end)) {
        if (end > start) total += end - start;
        [start, end] = [from, to];
      } else end = Math.max(end, to);
    }
    return end > start ? total + end - start : total;
  }

  replaceDocumentChunks: VectorStore['replaceDocumentChunks'] = (options) => this.timed('replace', () => this.inner.replaceDocumentChunks(options));
  deleteDocumentChunks: VectorStore['deleteDocumentChunks'] = (baseId, documentId) => this.inner.deleteDocumentChunks(baseId, documentId);
  reset: VectorStore['reset'] = (baseId) => this.inner.reset(baseId);
  beginBulkLoad: VectorStore['beginBulkLoad'] = (baseId, expected) => this.timed('begin', () => this.inner.beginBulkLoad(baseId, expected));
  finishBulkLoad: VectorStore['finishBulkLoad'] = (baseId) => this.timed('finish', () => this.inner.finishBulkLoad(baseId));
  searchVectors: VectorStore['searchVectors'] = (query) => this.inner.searchVectors(query);
  searchKeywords: VectorStore['searchKeywords'] = (query) => this.inner.searchKeywords(query);
}

/** What ingesting the corpus through the pipeline took. */
export interface IngestionResult {
  readonly chunks: number;
  readonly documents: number;
  readonly wallMs: number;
  /** Wall time inside replaceDocumentChunks (the rows, their tsvectors, index upkeep). */
  readonly storeMs: number;
  /** Wall time inside finishBulkLoad (building the vector index when it is missing). */
  readonly finishMs: number;
  /** Wall time inside beginBulkLoad (dropping the vector index before a large load). */
  readonly beginMs: number;
  /** CPU time of this process meanwhile (user + system): the pipeline, the driver, and PGlite's engine. */
  readonly cpuMs: number;
}

/**
 * Ingests every document of the corpus into the target's base through KnowledgeIngestion, as the
 * server does: documents are created first (as POST /documents does, not timed), then all are
 * enqueued on an in-memory job queue running `concurrency` at once, and the clock stops when the
 * queue is idle. Every document must end `indexed`, with all its chunks stored.
 */
export async function ingestThroughPipeline(
  target: BenchDatabase,
  corpus: Corpus,
  options: { vectors: VectorStore; concurrency: number },
): Promise<IngestionResult> {
  const { db } = target.handle;
  const repository = new KnowledgeBasesRepository(db);
  const vectors = new TimedVectorStore(options.vectors);
  const jobs = new InMemoryJobQueue({ ids: uuidV7Generator, logger: createLogger('silent') });
  const embedder = precomputedEmbedder(corpus);
  const ingestion = new KnowledgeIngestion({
    repository,
    vectors,
    // The one gateway call ingestion makes; the real one would also wrap the model in call recording.
    gateway: { resolveEmbedding: async () => embedder } as unknown as ModelGateway,
    source: { workspace: unused<WorkspaceStore>('workspace'), http: unused<HttpClient>('http'), extractText, maxDocumentBytes: 64 * 1024 * 1024, fetchTimeoutMs: 30_000 },
    jobs,
    clock: systemClock,
    ids: uuidV7Generator,
    logger: createLogger('silent'),
    embeddingRetry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 },
    concurrency: options.concurrency,
  });
  const documentIds: string[] = [];
  for (const [index, [start, end]] of corpus.documents.entries()) {
    const content = corpus.texts.slice(start, end).join('\n\n');
    const now = new Date();
    const document = await repository.insertDocument({
      id: uuidV7Generator.uuid(), knowledgeBaseId: target.knowledgeBaseId, name: `document-${index + 1}.txt`, sourceType: 'text', source: null,
      format: 'txt', sizeBytes: Buffer.byteLength(content), content, status: 'pending', metadata: { batch: 'bench' }, createdAt: now, updatedAt: now,
    });
    documentIds.push(document.id);
  }
  try {
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    for (const id of documentIds) await ingestion.enqueue(id);
    await jobs.idle();
    const wallMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    await checkIngested(target, corpus);
    return {
      chunks: corpus.data.count, documents: documentIds.length, wallMs,
      storeMs: vectors.busyMs('replace'), finishMs: vectors.busyMs('finish'), beginMs: vectors.busyMs('begin'),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    await jobs.close();
  }
}

async function checkIngested(target: BenchDatabase, corpus: Corpus): Promise<void> {
  const { db } = target.handle;
  const rows = (await db.execute(sql`
    select d.status, d.error, (select count(*) from knowledge_chunks c where c.document_id = d.id) as chunks
    from ${knowledgeDocuments} d where d.knowledge_base_id = ${target.knowledgeBaseId}`)) as unknown as {
    rows: Array<{ status: string; error: unknown; chunks: number | string }>;
  };
  const failed = rows.rows.filter((row) => row.status !== 'indexed');
  if (failed.length > 0) {
    throw new BenchFailure(`${failed.length} documents not indexed, e.g. ${failed[0]!.status} ${JSON.stringify(failed[0]!.error)}`);
  }
  const chunks = rows.rows.reduce((sum, row) => sum + Number(row.chunks), 0);
  if (chunks !== corpus.data.count) throw new BenchFailure(`expected ${corpus.data.count} chunks stored, found ${chunks}`);
}

/** The baseline's table: the chunk columns, with no keys, no indexes, no tsvector. */
const plainChunks = pgTable('kb_bench_plain_chunks', {
  id: uuid('id').notNull(),
  documentId: uuid('document_id').notNull(),
  position: integer('position').notNull(),
  content: text('content').notNull(),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
  embedding: real('embedding').array(),
});

// As in chunk-table.ts: rows per INSERT statement.
const INSERT_BATCH = 200;

/**
 * The baseline: the first `chunkCount` rows of the corpus written with plain multi-row INSERTs
 * (drizzle, 200 rows a statement, one transaction per document, `concurrency` documents at once
 * like the pipeline) into a scratch table without keys, indexes or tsvector. Same driver, same
 * rows, none of the work the pipeline adds; the table is dropped afterwards.
 */
export async function plainInsertBaseline(
  target: BenchDatabase,
  corpus: Corpus,
  options: { chunkCount: number; concurrency: number },
): Promise<{ chunks: number; wallMs: number }> {
  const { db } = target.handle;
  await db.execute(sql`create table kb_bench_plain_chunks (id uuid not null, document_id uuid not null, position integer not null,
    content text not null, metadata jsonb not null, embedding real[])`);
  const documents = corpus.documents
    .map(([start, end]) => [start, Math.min(end, options.chunkCount)] as const)
    .filter(([start, end]) => start < end);
  const insertDocument = async ([start, end]: readonly [number, number]) => {
    const documentId = randomUUID();
    await db.transaction(async (transaction) => {
      for (let batch = start; batch < end; batch += INSERT_BATCH) {
        const rows = [];
        for (let row = batch; row < Math.min(end, batch + INSERT_BATCH); row++) {
          rows.push({ id: randomUUID(), documentId, position: row - start, content: corpus.texts[row]!, metadata: { batch: 'bench' }, embedding: vectorOf(corpus.data, row) });
        }
        await transaction.insert(plainChunks).values(rows);
      }
    });
  };
  try {
    const startedAt = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < documents.length) await insertDocument(documents[next++]!);
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return { chunks: documents.reduce((sum, [start, end]) => sum + end - start, 0), wallMs: performance.now() - startedAt };
  } finally {
    await db.execute(sql`drop table kb_bench_plain_chunks`);
  }
}

/** Builds the base's missing vector index (finishBulkLoad of the store as the server configures it). */
export async function timeIndexBuild(target: BenchDatabase, vectors: VectorStore): Promise<number> {
  const startedAt = performance.now();
  await vectors.finishBulkLoad(target.knowledgeBaseId);
  return performance.now() - startedAt;
}

/** Drops and rebuilds the base's vector index as a bulk load of every chunk does (beginBulkLoad, finishBulkLoad). */
export async function timeIndexRebuild(target: BenchDatabase, vectors: VectorStore, chunks: number): Promise<number> {
  const startedAt = performance.now();
  await vectors.beginBulkLoad(target.knowledgeBaseId, chunks);
  await vectors.finishBulkLoad(target.knowledgeBaseId);
  return performance.now() - startedAt;
}
