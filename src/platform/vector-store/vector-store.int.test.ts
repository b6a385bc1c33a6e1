import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/database.js';
import { knowledgeBases, knowledgeDocuments, users } from '../db/schema/index.js';
import { sharedTestDatabase, truncateAll } from '../../test-kit/test-database.js';
import { queryRows } from './chunk-table.js';
import { ExactScanStore } from './vector-store.exact.js';
import { PgvectorStore } from './vector-store.pgvector.js';
import { seededRandom } from './vector-math.js';
import type { ChunkInput, EmbeddingSpace, VectorQuery, VectorStore } from './vector-store.js';

const database: DatabaseHandle = await sharedTestDatabase();
const fourDimensions: EmbeddingSpace = { modelConfigId: null, dimensions: 4 };

async function createDocument(baseId: string): Promise<string> {
  const documentId = randomUUID();
  const now = new Date();
  await database.db.insert(knowledgeDocuments).values({
    id: documentId, knowledgeBaseId: baseId, name: 'doc.txt', sourceType: 'text', status: 'embedding', metadata: {}, ingestionId: documentId, createdAt: now, updatedAt: now,
  });
  return documentId;
}

/** Stores a document's chunks (the tests use the document id as its ingestion id). */
function store(target: VectorStore, baseId: string, documentId: string, chunks: ChunkInput[], space = fourDimensions) {
  return target.replaceDocumentChunks({ knowledgeBaseId: baseId, documentId, ingestionId: documentId, space, chunks });
}

async function createBase(): Promise<{ baseId: string; documentId: string }> {
  const now = new Date();
  const userId = randomUUID();
  const baseId = randomUUID();
  await database.db.insert(users).values({ id: userId, email: `${userId}@example.test`, passwordHash: 'x', nickname: 'n', role: 'user', createdAt: now, updatedAt: now });
  await database.db.insert(knowledgeBases).values({
    id: baseId, ownerId: userId, name: 'kb', description: '', embeddingModel: 'local', chunking: { chunk_size: 500, chunk_overlap: 50, separators: [] },
    retrieval: { top_k: 5, score_threshold: 0, hybrid_weight: 0.7, rerank_model_config_id: null }, createdAt: now, updatedAt: now,
  });
  return { baseId, documentId: await createDocument(baseId) };
}

function chunk(_documentId: string, position: number, content: string, embedding: number[], metadata = {}): ChunkInput {
  return { id: randomUUID(), position, content, metadata, embedding };
}

const stores: Array<[string, () => VectorStore]> = [
  ['exact scan', () => new ExactScanStore(database.db)],
  ...(database.vectorAvailable
    ? [['pgvector', () => new PgvectorStore(database.db, { indexMinChunks: 3, bulkLoadMinChunks: 2 })] as [string, () => VectorStore]]
    : []),
];

describe.each(stores)('vector store: %s', (_name, createStore) => {
  let vectors: VectorStore;
  beforeEach(async () => {
    await truncateAll(database);
    vectors = createStore();
  });

  it('ranks chunks by cosine similarity and keeps bases apart', async () => {
    const first = await createBase();
    const second = await createBase();
    await vectors.beginBulkLoad(first.baseId, 4);
    expect(
      await store(vectors, first.baseId, first.documentId, [
        chunk(first.documentId, 0, 'north', [1, 0, 0, 0]),
        chunk(first.documentId, 1, 'north east', [1, 1, 0, 0]),
        chunk(first.documentId, 2, 'east', [0.2, 1, 0, 0]),
        chunk(first.documentId, 3, 'up', [0, 0, 0, 1]),
      ]),
    ).toBe(true);
    await vectors.finishBulkLoad(first.baseId);
    await store(vectors, second.baseId, second.documentId, [chunk(second.documentId, 0, 'other north', [1, 0, 0, 0])]);

    const hits = await vectors.searchVectors({ knowledgeBaseId: first.baseId, vector: [2, 0, 0, 0], limit: 3 });

    expect(hits.map((hit) => hit.content)).toEqual(['north', 'north east', 'east']);
    expect(hits[0]!.score).toBeCloseTo(1, 5);
    expect(hits[1]!.score).toBeCloseTo(Math.SQRT1_2, 5);
    expect(hits.every((hit) => hit.knowledgeBaseId === first.baseId)).toBe(true);
  });

  it('refuses chunks of another dimension or model, and stores nothing then', async () => {
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'a', [1, 0, 0, 0])]);

    expect(await store(vectors, baseId, documentId, [chunk(documentId, 1, 'b', [1, 0, 0])], { modelConfigId: null, dimensions: 3 })).toBe(false);
    expect(await store(vectors, baseId, documentId, [chunk(documentId, 1, 'c', [1, 0, 0, 0])], { modelConfigId: randomUUID(), dimensions: 4 })).toBe(false);
    const rows = await queryRows<{ count: string | number }>(database.db, sql`select count(*) as count from knowledge_chunks`);
    expect(Number(rows[0]!.count)).toBe(1);
  });

  it('answers nothing for a query of another dimension, an empty or non-finite vector, a limit of 0 or an unknown base', async () => {
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'north', [1, 0, 0, 0])]);
    const search = (vector: number[], limit = 5, knowledgeBaseId = baseId) => vectors.searchVectors({ knowledgeBaseId, vector, limit });

    expect(await search([1, 0, 0, 0])).toHaveLength(1);
    expect(await search([1, 0, 0])).toEqual([]);
    expect(await search([1, 0, 0, 0, 0])).toEqual([]);
    expect(await search([])).toEqual([]);
    expect(await search([1, Number.NaN, 0, 0])).toEqual([]);
    expect(await search([1, Number.POSITIVE_INFINITY, 0, 0])).toEqual([]);
    expect(await search([1, 0, 0, 0], 0)).toEqual([]);
    expect(await search([1, 0, 0, 0], 5, randomUUID())).toEqual([]);
  });

  it('filters by document and metadata', async () => {
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [
      chunk(documentId, 0, 'one', [1, 0, 0, 0], { lang: 'en' }),
      chunk(documentId, 1, 'two', [0.9, 0.1, 0, 0], { lang: 'zh' }),
    ]);

    const zh = await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5, filter: { metadata: { lang: 'zh' } } });
    const none = await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5, filter: { documentIds: [randomUUID()] } });

    expect(zh.map((hit) => hit.content)).toEqual(['two']);
    expect(none).toEqual([]);
  });

  it('sees deletions and resets at once (no stale cache)', async () => {
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'gone soon', [1, 0, 0, 0])]);
    expect(await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 })).toHaveLength(1);

    await vectors.deleteDocumentChunks(baseId, documentId);
    expect(await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 })).toEqual([]);

    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'back', [1, 0, 0, 0])]);
    await vectors.reset(baseId);
    expect(await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 })).toEqual([]);
    // After a reset the base takes another dimension.
    expect(await store(vectors, baseId, documentId, [chunk(documentId, 0, 'new', [0, 1])], { modelConfigId: null, dimensions: 2 })).toBe(true);
  });

  it('finds chunks by keywords, Chinese included, ranked by matches', async () => {
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [
      chunk(documentId, 0, '知识库支持语义搜索和关键词搜索', [1, 0, 0, 0]),
      chunk(documentId, 1, 'The refund policy allows returns within 30 days', [0, 1, 0, 0]),
      chunk(documentId, 2, 'Refunds: refunded orders are refunded to the card', [0, 0, 1, 0]),
    ]);

    const chinese = await vectors.searchKeywords({ knowledgeBaseId: baseId, text: '关键词', limit: 5 });
    const english = await vectors.searchKeywords({ knowledgeBaseId: baseId, text: 'refund', limit: 5 });
    const nothing = await vectors.searchKeywords({ knowledgeBaseId: baseId, text: 'the of and', limit: 5 });

    expect(chinese.map((hit) => hit.position)).toEqual([0]);
    expect(english.map((hit) => hit.position)).toEqual([2, 1]);
    expect(nothing).toEqual([]);
  });
});

describe.runIf(database.vectorAvailable)('pgvector store indexes', () => {
  it('builds one partial HNSW index per base once it is large enough, and drops it for bulk loads', async () => {
    await truncateAll(database);
    const vectors = new PgvectorStore(database.db, { indexMinChunks: 3, bulkLoadMinChunks: 2 });
    const { baseId, documentId } = await createBase();
    const indexes = async () =>
      (await queryRows<{ indexname: string }>(database.db, sql`select indexname from pg_indexes where indexname = ${`knowledge_chunks_hnsw_${baseId.replaceAll('-', '')}`}`)).map(
        (row) => row.indexname,
      );
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'a', [1, 0, 0, 0]), chunk(documentId, 1, 'b', [0, 1, 0, 0])]);
    await vectors.finishBulkLoad(baseId);
    expect(await indexes()).toEqual([]);

    await store(vectors, baseId, await createDocument(baseId), [chunk(documentId, 2, 'c', [0, 0, 1, 0])]);
    await vectors.finishBulkLoad(baseId);
    expect(await indexes()).toEqual([`knowledge_chunks_hnsw_${baseId.replaceAll('-', '')}`]);

    await vectors.beginBulkLoad(baseId, 5);
    expect(await indexes()).toEqual([]);
    await vectors.finishBulkLoad(baseId);
    expect(await indexes()).toHaveLength(1);
    await vectors.reset(baseId);
    expect(await indexes()).toEqual([]);
  });
});

describe('replacing chunks', () => {
  it('stores nothing for a stale ingestion and replaces a document atomically', async () => {
    await truncateAll(database);
    const vectors = new ExactScanStore(database.db);
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'first', [1, 0, 0, 0])]);

    const stale = await vectors.replaceDocumentChunks({
      knowledgeBaseId: baseId, documentId, ingestionId: randomUUID(), space: fourDimensions, chunks: [chunk(documentId, 0, 'stale', [1, 0, 0, 0])],
    });
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'second', [1, 0, 0, 0])]);

    expect(stale).toBe(false);
    const hits = await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 });
    expect(hits.map((hit) => hit.content)).toEqual(['second']);
  });

  it('stores text and metadata with quotes, backslashes, braces and commas as they are', async () => {
    await truncateAll(database);
    const vectors = new ExactScanStore(database.db);
    const { baseId, documentId } = await createBase();
    const content = 'He said "no", then {left} \\ back\\slash, NULL and 知识库';
    const metadata = { note: 'a "b" \\ {c}, d', nested: { list: [1, '}'] } };

    await store(vectors, baseId, documentId, [chunk(documentId, 0, content, [1, 0, 0, 0], metadata), chunk(documentId, 1, '', [0, 1, 0, 0])]);

    const hits = await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 });
    expect(hits.map((hit) => [hit.content, hit.metadata])).toEqual([[content, metadata], ['', {}]]);
    expect((await vectors.searchKeywords({ knowledgeBaseId: baseId, text: 'left', limit: 5 })).map((hit) => hit.position)).toEqual([0]);
  });

  it('refuses vectors of another length than the space\'s, or with non-finite values, and stores nothing', async () => {
    await truncateAll(database);
    const vectors = new ExactScanStore(database.db);
    const { baseId, documentId } = await createBase();
    await store(vectors, baseId, documentId, [chunk(documentId, 0, 'kept', [1, 0, 0, 0])]);

    const short = store(vectors, baseId, documentId, [chunk(documentId, 0, 'ok', [0, 1, 0, 0]), chunk(documentId, 1, 'short', [1, 0, 0])]);
    const infinite = store(vectors, baseId, documentId, [chunk(documentId, 0, 'nan', [0, Number.NaN, 0, 0])]);

    await expect(short).rejects.toMatchObject({ code: 'EMBEDDING_DIMENSIONS_MISMATCH', details: { chunk_index: 1, dimensions: 3, expected_dimensions: 4 } });
    await expect(short).rejects.toThrow('The embedding of chunk 1 (position 1) has 3 dimensions, not 4');
    await expect(infinite).rejects.toThrow('holds a value that is not a finite number');
    const hits = await vectors.searchVectors({ knowledgeBaseId: baseId, vector: [1, 0, 0, 0], limit: 5 });
    expect(hits.map((hit) => hit.content)).toEqual(['kept']);
  });
});

/** `count` 8-dimension vectors around 12 directions, from a seed. */
function clusteredVectors(count: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 12 }, () => Array.from({ length: 8 }, () => random() - 0.5));
  return Array.from({ length: count }, () => centres[Math.floor(random() * centres.length)]!.map((value) => value + (random() - 0.5) * 0.2));
}

describe('in-process store with an IVF index', () => {
  it('searches through the index once built, keeps filters exact, and follows writes', async () => {
    await truncateAll(database);
    const options = { indexMinChunks: 300, indexCandidates: 60 };
    const indexed = new ExactScanStore(database.db, options);
    const exact = new ExactScanStore(database.db, { indexMinChunks: Number.POSITIVE_INFINITY });
    const space = { modelConfigId: null, dimensions: 8 };
    const { baseId, documentId } = await createBase();
    const points = clusteredVectors(600, 5);
    await store(indexed, baseId, documentId, points.map((vector, position) => chunk(documentId, position, `c${position}`, vector, { half: position % 2 })), space);
    const search = (target: VectorStore, vector: number[], filter?: VectorQuery['filter']) =>
      target.searchVectors({ knowledgeBaseId: baseId, vector, limit: 10, filter });

    expect(await indexed.prepare(baseId)).toBe(true);

    let found = 0;
    for (const vector of points.slice(0, 20)) {
      const truth = new Set((await search(exact, vector)).map((hit) => hit.id));
      const hits = await search(indexed, vector);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      found += hits.filter((hit) => truth.has(hit.id)).length;
    }
    expect(found / 200).toBeGreaterThanOrEqual(0.9);
    const odd = await search(indexed, points[3]!, { metadata: { half: 1 } });
    expect(odd).toHaveLength(10);
    expect(odd.every((hit) => hit.metadata.half === 1)).toBe(true);

    const added = await createDocument(baseId);
    await store(indexed, baseId, added, [chunk(added, 0, 'new', [9, 9, 9, 9, 9, 9, 9, 9])], space);
    const newcomer = await search(indexed, [9, 9, 9, 9, 9, 9, 9, 9]);
    const onlyAdded = await search(indexed, points[0]!, { documentIds: [added] });
    await indexed.deleteDocumentChunks(baseId, added);
    const afterDelete = await search(indexed, [9, 9, 9, 9, 9, 9, 9, 9]);

    expect(newcomer[0]!.content).toBe('new');
    expect(onlyAdded.map((hit) => hit.content)).toEqual(['new']);
    expect(afterDelete.map((hit) => hit.content)).not.toContain('new');
    // One new row does not call for retraining: the refreshed base kept its index.
    expect(await indexed.prepare(baseId)).toBe(true);

    // A write while another instance is still building its index: the build follows the new rows.
    const other = new ExactScanStore(database.db, options);
    await search(other, points[1]!);
    const late = await createDocument(baseId);
    await store(other, baseId, late, [chunk(late, 0, 'late', [-9, 9, -9, 9, -9, 9, -9, 9])], space);
    expect((await search(other, [-9, 9, -9, 9, -9, 9, -9, 9]))[0]!.content).toBe('late');
    expect(await other.prepare(baseId)).toBe(true);
    expect((await search(other, [-9, 9, -9, 9, -9, 9, -9, 9]))[0]!.content).toBe('late');
  });
});
