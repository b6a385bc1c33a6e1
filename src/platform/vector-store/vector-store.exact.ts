import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { knowledgeBases, knowledgeChunks } from '../db/schema/index.js';
import { BaseCache, type CachedBase } from './base-cache.js';
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
import type { RowHit } from './ivf-index.js';
import { topByScore } from './top-by-score.js';
import { dotRow, normalised } from './vector-math.js';
import type { ScoredChunk, VectorQuery, VectorStore } from './vector-store.js';

/** Options of the in-process store. */
export interface ExactScanStoreOptions {
  /** Most bytes of vectors kept in memory across bases (default 512 MiB); least recently used go first. */
  maxCacheBytes?: number;
  /**
   * A base of at least this many chunks (default 10,000) gets an approximate (IVF) index, built in
   * the background after its first search; smaller bases, and larger ones until their index is
   * ready, are scanned exactly. Infinity: always exact.
   */
  indexMinChunks?: number;
  /** Rows an approximate search scores at least (default 250): more is slower and nearer exact. */
  indexCandidates?: number;
}

// An approximate search scores at least this many rows per requested hit, so a long candidate
// list (hybrid retrieval asks for up to 100) keeps its recall too; and always a whole list, so the
// share of the base it reads shrinks only as √n when the base grows (lists hold ~√n rows each).
// On bench:kb's clustered 768-dimension sets, recall@10 hardly moves between 250 and 650 rows
// scored (100k chunks: 0.989 at 250 and 400); what it misses sits in lists ranked too low.
const CANDIDATES_PER_HIT = 25;
const PROBED_LISTS = 1;

/**
 * Vector search for a PostgreSQL without pgvector: embeddings stay in the real[] column, and a
 * search runs in this process over the base's vectors, cached per base and refreshed when the
 * base's generation (bumped on every write) moves on, so several instances stay correct. Bases
 * below `indexMinChunks` are scanned exactly (recall 1, linear in their size); larger ones get an
 * IVF index built in the background (`ivf-index.ts`), which scores a few percent of the rows.
 */
export class ExactScanStore implements VectorStore {
  readonly kind = 'exact' as const;
  private readonly cache: BaseCache;
  private readonly indexCandidates: number;

  constructor(
    private readonly db: Database,
    options: ExactScanStoreOptions = {},
  ) {
    this.cache = new BaseCache(db, {
      maxBytes: options.maxCacheBytes ?? 512 * 1024 * 1024,
      indexMinChunks: options.indexMinChunks ?? 10_000,
    });
    this.indexCandidates = options.indexCandidates ?? 250;
  }

  replaceDocumentChunks: VectorStore['replaceDocumentChunks'] = (options) => replaceDocumentChunks(this.db, options);

  deleteDocumentChunks: VectorStore['deleteDocumentChunks'] = (knowledgeBaseId, documentId) =>
    deleteChunks(this.db, knowledgeBaseId, { documentId });

  async reset(knowledgeBaseId: string): Promise<void> {
    this.cache.forget(knowledgeBaseId);
    await deleteChunks(this.db, knowledgeBaseId, { forgetDimensions: true });
  }

  /** Nothing to prepare: the index follows the rows by itself. */
  async beginBulkLoad(): Promise<void> {}

  /** Nothing to build here: the next search reads the new rows (and indexes a large base). */
  async finishBulkLoad(): Promise<void> {}

  /**
   * Loads the base's vectors and waits for its index build, if it gets one; true when the base is
   * indexed. Searches never wait for a build: this is for warming a base up, and for benchmarks.
   */
  async prepare(knowledgeBaseId: string): Promise<boolean> {
    const state = await this.baseState(knowledgeBaseId);
    if (state) await this.cache.get(knowledgeBaseId, state);
    return this.cache.whenIndexed(knowledgeBaseId);
  }

  /**
   * The nearest chunks. A base already in memory is searched at once, and the statement that reads
   * the hits also reads the base's generation: when a write came in meanwhile, the search starts
   * over on the refreshed rows. So the usual search costs one round trip, and never answers from
   * stale rows.
   */
  async searchVectors(query: VectorQuery): Promise<ScoredChunk[]> {
    if (query.limit <= 0 || query.vector.length === 0 || !query.vector.every(Number.isFinite)) return [];
    const target = normalised(query.vector);
    const cached = this.cache.peek(query.knowledgeBaseId);
    if (cached && cached.vectors.dimensions === query.vector.length) {
      const answer = await this.searchIn(cached, query, target);
      if (answer.generation === cached.vectors.generation) return answer.chunks;
    }
    const state = await this.baseState(query.knowledgeBaseId);
    if (!state || state.dimensions !== query.vector.length) return [];
    const base = await this.cache.get(query.knowledgeBaseId, state);
    return (await this.searchIn(base, query, target)).chunks;
  }

  /** Searches the cached rows and reads the hits, with the base's generation as of that read. */
  private async searchIn(base: CachedBase, query: VectorQuery, target: Float32Array): Promise<{ chunks: ScoredChunk[]; generation: number | null }> {
    const allowed = query.filter ? await this.allowedRows(query, base) : null;
    const hits = this.nearestRows(base, target, query.limit, allowed);
    const { ids } = base.vectors;
    return this.hydrate(query.knowledgeBaseId, hits.map((hit) => ({ id: ids[hit.row]!, score: hit.score })));
  }

  searchKeywords: VectorStore['searchKeywords'] = (query) => searchKeywords(this.db, query);

  /**
   * The best rows: through the index when the base has one, unless a filter leaves so few rows
   * that scoring them all is cheaper (and exact); otherwise by scoring every (allowed) row.
   * Through the index, a filter widens the probe until enough allowed rows were scored.
   */
  private nearestRows(base: CachedBase, query: Float32Array, limit: number, allowed: Int32Array | null): RowHit[] {
    const { vectors, index } = base;
    const listRows = index ? Math.ceil(vectors.count / index.lists) : 0;
    const candidates = Math.max(this.indexCandidates, limit * CANDIDATES_PER_HIT, PROBED_LISTS * listRows);
    if (index && (allowed === null || allowed.length > candidates)) {
      const mask = allowed ? new Uint8Array(vectors.count) : null;
      if (mask && allowed) for (const row of allowed) mask[row] = 1;
      return index.search(vectors, query, { limit, candidates, accept: mask ? (row) => mask[row] === 1 : undefined });
    }
    const rows = allowed ?? Int32Array.from({ length: vectors.count }, (_value, row) => row);
    const scores = new Float32Array(rows.length);
    rows.forEach((row, position) => {
      scores[position] = dotRow(vectors.vectors, row, query, vectors.dimensions);
    });
    return topByScore(scores, limit).map((position) => ({ row: rows[position]!, score: scores[position]! }));
  }

  /** The rows of the chunks the filter lets through (ones written after the cached generation are not there yet). */
  private async allowedRows(query: VectorQuery, base: CachedBase): Promise<Int32Array> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      sql`select id from ${knowledgeChunks} where ${filterConditions(query.knowledgeBaseId, query.filter)}`,
    );
    const allowed: number[] = [];
    for (const { id } of rows) {
      const row = base.vectors.rowOf.get(id);
      if (row !== undefined) allowed.push(row);
    }
    return Int32Array.from(allowed);
  }

  /** The hits' chunks, best first, and the base's generation read in the same statement (null: unknown). */
  private async hydrate(knowledgeBaseId: string, hits: Array<{ id: string; score: number }>): Promise<{ chunks: ScoredChunk[]; generation: number | null }> {
    const generation = sql`(select generation from ${knowledgeBases} where id = ${knowledgeBaseId})`;
    if (hits.length === 0) {
      const [row] = await queryRows<{ generation: number | string | null }>(this.db, sql`select ${generation} as generation`);
      return { chunks: [], generation: row?.generation == null ? null : Number(row.generation) };
    }
    const scores = new Map(hits.map((hit) => [hit.id, hit.score]));
    const rows = await queryRows<ChunkRow & { base_generation: number | string | null }>(
      this.db,
      sql`select ${chunkColumns(sql`0`)}, ${generation} as base_generation from ${knowledgeChunks}
          where id in (${sql.join(hits.map((hit) => sql`${hit.id}`), sql`, `)})`,
    );
    const chunks = rows
      .map((row) => ({ ...toScoredChunk(row), score: scores.get(row.id) ?? 0 }))
      .sort((left, right) => right.score - left.score || left.id.localeCompare(right.id));
    const found = rows[0]?.base_generation;
    return { chunks, generation: found == null ? null : Number(found) };
  }

  /** The base's write generation and dimension; null when it is gone or has no chunks yet. */
  private async baseState(knowledgeBaseId: string): Promise<{ generation: number; dimensions: number } | null> {
    const [row] = await queryRows<{ generation: number | string; embedding_dimensions: number | null }>(
      this.db,
      sql`select generation, embedding_dimensions from ${knowledgeBases} where id = ${knowledgeBaseId}`,
    );
    if (!row || row.embedding_dimensions === null) return null;
    return { generation: Number(row.generation), dimensions: Number(row.embedding_dimensions) };
  }
}
