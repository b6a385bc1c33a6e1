import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { knowledgeBases, knowledgeChunks } from '../db/schema/index.js';
import {
  chunkColumns,
  deleteChunks,
  filterConditions,
  queryRows,
  replaceDocumentChunks,
  searchKeywords,
  toScoredChunk,
  type ChunkRow,
} from './chunk-table.js';
import { topByScore } from './top-by-score.js';
import type { ScoredChunk, VectorQuery, VectorStore } from './vector-store.js';

/** The vectors of one base, unit-normalised in one flat array, valid for one generation. */
interface CachedBase {
  generation: number;
  dimensions: number;
  ids: string[];
  vectors: Float32Array;
  bytes: number;
}

/** Options of the exact-scan store. */
export interface ExactScanStoreOptions {
  /** Most bytes of vectors kept in memory across bases (default 512 MiB); least recently used go first. */
  maxCacheBytes?: number;
}

function normalise(vector: readonly number[]): Float32Array {
  const result = Float32Array.from(vector);
  let norm = 0;
  for (const value of result) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < result.length; index++) result[index]! /= norm;
  return result;
}

/**
 * Vector search for a PostgreSQL without pgvector: embeddings stay in the real[] column, and a
 * search scans all of a base's vectors in this process. The vectors are cached per base and
 * reloaded when the base's generation (bumped on every write) moves on, so several instances stay
 * correct. Exact, so recall is 1; linear in the base's size.
 */
export class ExactScanStore implements VectorStore {
  readonly kind = 'exact' as const;
  private readonly cache = new Map<string, CachedBase>();
  private readonly loading = new Map<string, Promise<CachedBase>>();
  private readonly maxCacheBytes: number;

  constructor(
    private readonly db: Database,
    options: ExactScanStoreOptions = {},
  ) {
    this.maxCacheBytes = options.maxCacheBytes ?? 512 * 1024 * 1024;
  }

  replaceDocumentChunks: VectorStore['replaceDocumentChunks'] = (options) => replaceDocumentChunks(this.db, options);

  deleteDocumentChunks: VectorStore['deleteDocumentChunks'] = (knowledgeBaseId, documentId) =>
    deleteChunks(this.db, knowledgeBaseId, { documentId });

  async reset(knowledgeBaseId: string): Promise<void> {
    this.cache.delete(knowledgeBaseId);
    await deleteChunks(this.db, knowledgeBaseId, { forgetDimensions: true });
  }

  /** Nothing to prepare: there is no index to maintain. */
  async beginBulkLoad(): Promise<void> {}

  /** Nothing to build: the next search loads the new generation. */
  async finishBulkLoad(): Promise<void> {}

  async searchVectors(query: VectorQuery): Promise<ScoredChunk[]> {
    if (query.limit <= 0 || query.vector.length === 0 || !query.vector.every(Number.isFinite)) return [];
    const base = await this.vectorsOf(query.knowledgeBaseId);
    if (base.dimensions !== query.vector.length || base.ids.length === 0) return [];
    const allowed = query.filter ? await this.filteredIds(query) : null;
    const target = normalise(query.vector);
    const scores = new Float32Array(base.ids.length);
    const { dimensions, vectors } = base;
    for (let row = 0; row < base.ids.length; row++) {
      let dot = 0;
      const offset = row * dimensions;
      for (let index = 0; index < dimensions; index++) dot += vectors[offset + index]! * target[index]!;
      scores[row] = dot;
    }
    const best = topByScore(scores, query.limit, allowed ? (row) => allowed.has(base.ids[row]!) : undefined);
    return this.hydrate(best.map((row) => ({ id: base.ids[row]!, score: scores[row]! })));
  }

  searchKeywords: VectorStore['searchKeywords'] = (query) => searchKeywords(this.db, query);

  private async filteredIds(query: VectorQuery): Promise<Set<string>> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`select id from ${knowledgeChunks} where ${filterConditions(query.knowledgeBaseId, query.filter)}`,
    );
    return new Set(rows.map((row) => row.id));
  }

  private async hydrate(hits: Array<{ id: string; score: number }>): Promise<ScoredChunk[]> {
    if (hits.length === 0) return [];
    const scores = new Map(hits.map((hit) => [hit.id, hit.score]));
    const rows = await queryRows<ChunkRow>(
      this.db,
      sql`select ${chunkColumns(sql`0`)} from ${knowledgeChunks}
          where id in (${sql.join(hits.map((hit) => sql`${hit.id}`), sql`, `)})`,
    );
    return rows
      .map((row) => ({ ...toScoredChunk(row), score: scores.get(row.id) ?? 0 }))
      .sort((left, right) => right.score - left.score || left.id.localeCompare(right.id));
  }

  /** The base's cached vectors, reloaded when its generation changed. */
  private async vectorsOf(knowledgeBaseId: string): Promise<CachedBase> {
    const [row] = await queryRows<{ generation: number | string }>(
      this.db,
      sql`select generation from ${knowledgeBases} where id = ${knowledgeBaseId}`,
    );
    const generation = Number(row?.generation ?? -1);
    const cached = this.cache.get(knowledgeBaseId);
    if (cached && cached.generation === generation) {
      // Map order is the LRU order: re-inserting marks the base as recently used.
      this.cache.delete(knowledgeBaseId);
      this.cache.set(knowledgeBaseId, cached);
      return cached;
    }
    const key = `${knowledgeBaseId}:${generation}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(knowledgeBaseId, generation).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async load(knowledgeBaseId: string, generation: number): Promise<CachedBase> {
    const rows = await queryRows<{ id: string; embedding: number[] | null }>(
      this.db,
      sql`select id, embedding from ${knowledgeChunks} where knowledge_base_id = ${knowledgeBaseId} and embedding is not null order by id`,
    );
    const dimensions = rows[0]?.embedding?.length ?? 0;
    const usable = rows.filter((item) => item.embedding?.length === dimensions);
    const vectors = new Float32Array(usable.length * dimensions);
    usable.forEach((item, index) => vectors.set(normalise(item.embedding!.map(Number)), index * dimensions));
    const base: CachedBase = { generation, dimensions, ids: usable.map((item) => item.id), vectors, bytes: vectors.byteLength };
    this.remember(knowledgeBaseId, base);
    return base;
  }

  private remember(knowledgeBaseId: string, base: CachedBase): void {
    this.cache.delete(knowledgeBaseId);
    this.cache.set(knowledgeBaseId, base);
    let total = 0;
    for (const entry of this.cache.values()) total += entry.bytes;
    for (const [id, entry] of this.cache) {
      if (total <= this.maxCacheBytes || id === knowledgeBaseId) break;
      this.cache.delete(id);
      total -= entry.bytes;
    }
  }
}
