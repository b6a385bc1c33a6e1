import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from '../db/schema/index.js';
import { toTsqueryText, toTsvectorText } from './keyword-terms.js';
import { vectorLiteral } from './vector-text.js';
import { AppError } from '../errors/app-error.js';
import type { ChunkFilter, ChunkInput, KeywordQuery, ReplaceChunksOptions, ScoredChunk } from './vector-store.js';

// Rows per INSERT: large enough to amortise round trips and statement overhead, small enough that
// one statement's parameters stay a few MB (768 dimensions: ~9 KB a row).
const INSERT_BATCH = 500;

/** Runs a raw query; both drivers (PGlite and node-postgres) answer with { rows }. */
export async function queryRows<Row>(db: Pick<Database, 'execute'>, query: SQL): Promise<Row[]> {
  return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
}

/** The SQL conditions of a chunk filter, beside the knowledge base condition. */
export function filterConditions(knowledgeBaseId: string, filter: ChunkFilter | undefined): SQL {
  const conditions: SQL[] = [sql`${knowledgeChunks.knowledgeBaseId} = ${knowledgeBaseId}`];
  if (filter?.documentIds) {
    conditions.push(filter.documentIds.length === 0 ? sql`false` : sql`${inArray(knowledgeChunks.documentId, [...filter.documentIds])}`);
  }
  if (filter?.metadata && Object.keys(filter.metadata).length > 0) {
    conditions.push(sql`${knowledgeChunks.metadata} @> ${JSON.stringify(filter.metadata)}::jsonb`);
  }
  return sql.join(conditions, sql` and `);
}

/** Raw chunk row as selected by {@link chunkColumns}. */
export interface ChunkRow {
  id: string;
  knowledge_base_id: string;
  document_id: string;
  position: number;
  content: string;
  metadata: Record<string, unknown>;
  score: number | string;
}

/** The selected columns of a search, with `score` supplied by the caller. */
export function chunkColumns(score: SQL): SQL {
  return sql`id, knowledge_base_id, document_id, position, content, metadata, ${score} as score`;
}

/** A raw chunk row as a scored chunk (node-postgres returns real as strings in some casts). */
export function toScoredChunk(row: ChunkRow): ScoredChunk {
  return {
    id: row.id,
    knowledgeBaseId: row.knowledge_base_id,
    documentId: row.document_id,
    position: Number(row.position),
    content: row.content,
    metadata: row.metadata,
    score: Number(row.score),
  };
}

/**
 * Replaces a document's chunks in one transaction, if the base still embeds in `space` and the
 * document's ingestion is current. The base and document rows are locked first, so a model change
 * or a newer ingestion (which update those rows) waits for this one or makes it give up. A chunk
 * whose vector does not have the space's dimension (or holds a non-finite number) is refused
 * before anything is written.
 */
export async function replaceDocumentChunks(db: Database, options: ReplaceChunksOptions): Promise<boolean> {
  const { knowledgeBaseId, documentId, space, chunks } = options;
  checkEmbeddings(chunks, space.dimensions);
  // Asked before the transaction: PGlite runs one at a time, so a query beside it would wait for it.
  const lz4 = await supportsLz4(db);
  return db.transaction(async (transaction) => {
    const [base] = await queryRows<{ embedding_model_config_id: string | null; embedding_dimensions: number | null }>(
      transaction,
      sql`select embedding_model_config_id, embedding_dimensions from ${knowledgeBases}
          where id = ${knowledgeBaseId} for update`,
    );
    if (!base || base.embedding_model_config_id !== space.modelConfigId) return false;
    if (base.embedding_dimensions !== null && base.embedding_dimensions !== space.dimensions) return false;
    const current = await queryRows(
      transaction,
      sql`select 1 from ${knowledgeDocuments} where id = ${documentId} and ingestion_id = ${options.ingestionId} for update`,
    );
    if (current.length === 0) return false;
    if (lz4) await transaction.execute(sql`select set_config('default_toast_compression', 'lz4', true)`);
    await transaction.delete(knowledgeChunks).where(eq(knowledgeChunks.documentId, documentId));
    for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
      await transaction.execute(insertChunksStatement(knowledgeBaseId, documentId, chunks.slice(start, start + INSERT_BATCH)));
    }
    await transaction
      .update(knowledgeBases)
      .set({ embeddingDimensions: space.dimensions, generation: sql`${knowledgeBases.generation} + 1` })
      .where(eq(knowledgeBases.id, knowledgeBaseId));
    return true;
  });
}

const lz4Support = new WeakMap<Database, Promise<boolean>>();

/**
 * Whether the server can compress TOAST values with lz4. An embedding of 768 floats (3 KB) is
 * TOASTed, and the server first tries to compress it, which random-looking floats defeat: pglz
 * (the default) spends ~100 µs a row on that, lz4 ~15 µs (PostgreSQL 15, 10,000 rows: 1.0 s
 * against 0.53 s to insert them). Asked once per database handle.
 */
function supportsLz4(db: Database): Promise<boolean> {
  let known = lz4Support.get(db);
  if (!known) {
    known = queryRows<{ lz4: boolean }>(
      db,
      sql`select coalesce(bool_or(value = 'lz4'), false) as lz4 from pg_settings, unnest(enumvals) as value where name = 'default_toast_compression'`,
    ).then(([row]) => row?.lz4 === true, () => false);
    lz4Support.set(db, known);
  }
  return known;
}

/** Refuses chunks whose vectors another model (or a broken provider) produced: wrong length, NaN, infinity. */
function checkEmbeddings(chunks: readonly ChunkInput[], dimensions: number): void {
  chunks.forEach((chunk, index) => {
    const { embedding } = chunk;
    let finite = true;
    for (const value of embedding) finite &&= Number.isFinite(value);
    if (embedding.length === dimensions && finite) return;
    const problem = embedding.length === dimensions ? 'holds a value that is not a finite number' : `has ${embedding.length} dimensions, not ${dimensions}`;
    throw new AppError({
      code: 'EMBEDDING_DIMENSIONS_MISMATCH',
      category: 'validation',
      message: `The embedding of chunk ${index} (position ${chunk.position}) ${problem}`,
      details: { chunk_index: index, position: chunk.position, dimensions: embedding.length, expected_dimensions: dimensions },
    });
  });
}

/** An element of an array literal, quoted: only backslashes and double quotes need escaping there. */
function quoteElement(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** A PostgreSQL array literal ('{"a","b"}') of already formatted elements. */
function arrayLiteral(elements: readonly string[]): string {
  return `{${elements.join(',')}}`;
}

/**
 * One INSERT of many chunks: each column travels as one array parameter, unnested on the server.
 * Far cheaper on the client than a multi-row VALUES list with a parameter per value (drizzle
 * walks every number of every vector), and the statement text stays the same for every batch.
 */
function insertChunksStatement(knowledgeBaseId: string, documentId: string, chunks: readonly ChunkInput[]): SQL {
  const ids = arrayLiteral(chunks.map((chunk) => chunk.id));
  const positions = arrayLiteral(chunks.map((chunk) => String(chunk.position)));
  const contents = arrayLiteral(chunks.map((chunk) => quoteElement(chunk.content)));
  const metadata = arrayLiteral(chunks.map((chunk) => quoteElement(JSON.stringify(chunk.metadata))));
  // A vector needs no escaping: digits, signs, dots, exponents, commas and braces only.
  const embeddings = arrayLiteral(chunks.map((chunk) => `"${vectorLiteral(chunk.embedding)}"`));
  const terms = arrayLiteral(chunks.map((chunk) => quoteElement(toTsvectorText(chunk.content))));
  return sql`insert into ${knowledgeChunks} (id, knowledge_base_id, document_id, position, content, metadata, embedding, terms)
    select chunk.id, ${knowledgeBaseId}::uuid, ${documentId}::uuid, chunk.position, chunk.content, chunk.metadata,
      chunk.embedding::real[], chunk.terms::tsvector
    from unnest(${ids}::uuid[], ${positions}::integer[], ${contents}::text[], ${metadata}::jsonb[], ${embeddings}::text[], ${terms}::text[])
      as chunk(id, position, content, metadata, embedding, terms)`;
}

/** Deletes chunks (all of a base, or one document's) and bumps the base's generation. */
export async function deleteChunks(
  db: Database,
  knowledgeBaseId: string,
  options: { documentId?: string; forgetDimensions?: boolean } = {},
): Promise<void> {
  await db.transaction(async (transaction) => {
    const scope = eq(knowledgeChunks.knowledgeBaseId, knowledgeBaseId);
    await transaction
      .delete(knowledgeChunks)
      .where(options.documentId ? and(scope, eq(knowledgeChunks.documentId, options.documentId)) : scope);
    await transaction
      .update(knowledgeBases)
      .set({
        generation: sql`${knowledgeBases.generation} + 1`,
        ...(options.forgetDimensions ? { embeddingDimensions: null } : {}),
      })
      .where(eq(knowledgeBases.id, knowledgeBaseId));
  });
}

/** Ranks the base's chunks by keyword overlap (ts_rank, normalised by chunk length). */
export async function searchKeywords(db: Database, query: KeywordQuery): Promise<ScoredChunk[]> {
  const tsquery = toTsqueryText(query.text);
  if (tsquery === null || query.limit <= 0) return [];
  const rows = await queryRows<ChunkRow>(
    db,
    sql`select ${chunkColumns(sql`ts_rank(terms, ${tsquery}::tsquery, 1)`)}
        from ${knowledgeChunks}
        where ${filterConditions(query.knowledgeBaseId, query.filter)} and terms @@ ${tsquery}::tsquery
        order by score desc, id limit ${query.limit}`,
  );
  return rows.map(toScoredChunk);
}

/** How many chunks a base holds. */
export async function countChunks(db: Database, knowledgeBaseId: string): Promise<number> {
  const [row] = await queryRows<{ count: number | string }>(
    db,
    sql`select count(*) as count from ${knowledgeChunks} where knowledge_base_id = ${knowledgeBaseId}`,
  );
  return Number(row?.count ?? 0);
}
