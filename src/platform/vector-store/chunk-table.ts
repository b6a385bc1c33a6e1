import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { knowledgeBases, knowledgeChunks, knowledgeDocuments } from '../db/schema/index.js';
import { toTsqueryText, toTsvectorText } from './keyword-terms.js';
import type { ChunkFilter, KeywordQuery, ReplaceChunksOptions, ScoredChunk } from './vector-store.js';

// Rows per INSERT: large enough to amortise round trips, small enough to stay well under the
// 65,535 bind parameters of the wire protocol and a few MB of statement text.
const INSERT_BATCH = 200;

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
 * or a newer ingestion (which update those rows) waits for this one or makes it give up.
 */
export async function replaceDocumentChunks(db: Database, options: ReplaceChunksOptions): Promise<boolean> {
  const { knowledgeBaseId, documentId, space, chunks } = options;
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
    await transaction.delete(knowledgeChunks).where(eq(knowledgeChunks.documentId, documentId));
    for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
      const rows = chunks.slice(start, start + INSERT_BATCH).map((chunk) => ({
        id: chunk.id,
        knowledgeBaseId,
        documentId,
        position: chunk.position,
        content: chunk.content,
        metadata: chunk.metadata,
        embedding: chunk.embedding,
        terms: toTsvectorText(chunk.content),
      }));
      await transaction.insert(knowledgeChunks).values(rows);
    }
    await transaction
      .update(knowledgeBases)
      .set({ embeddingDimensions: space.dimensions, generation: sql`${knowledgeBases.generation} + 1` })
      .where(eq(knowledgeBases.id, knowledgeBaseId));
    return true;
  });
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
