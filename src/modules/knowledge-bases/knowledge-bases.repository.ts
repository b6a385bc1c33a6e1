import { and, asc, desc, eq, getTableColumns, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';
import {
  knowledgeBases,
  knowledgeChunks,
  knowledgeDocuments,
  type DocumentStatus,
  type KnowledgeBaseRow,
  type KnowledgeDocumentRow,
} from '../../platform/db/schema/index.js';

/** A stored knowledge base. */
export type KnowledgeBaseRecord = KnowledgeBaseRow;
/** A stored document, without its (possibly large) extracted text. */
export type DocumentRecord = Omit<KnowledgeDocumentRow, 'content'>;

/** A knowledge base with its counts, as lists and details show it. */
export interface KnowledgeBaseSummary {
  base: KnowledgeBaseRecord;
  documentCount: number;
  chunkCount: number;
  documentsByStatus: Record<string, number>;
}

// Lists and status reads never carry the extracted text, which may be megabytes.
const { content: _content, ...documentColumns } = getTableColumns(knowledgeDocuments);

/** Knowledge bases and their documents. */
export class KnowledgeBasesRepository {
  constructor(private readonly db: Database) {}

  async insert(row: typeof knowledgeBases.$inferInsert): Promise<KnowledgeBaseRecord | null> {
    const rows = await this.db.insert(knowledgeBases).values(row).onConflictDoNothing().returning();
    return rows[0] ?? null;
  }

  /** The owner's base, or null (another user's base is not found). */
  async findOwned(ownerId: string, id: string): Promise<KnowledgeBaseRecord | null> {
    const rows = await this.db
      .select()
      .from(knowledgeBases)
      .where(and(eq(knowledgeBases.ownerId, ownerId), eq(knowledgeBases.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** Which of `ids` are the owner's bases. */
  async findManyOwned(ownerId: string, ids: readonly string[]): Promise<KnowledgeBaseRecord[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(knowledgeBases)
      .where(and(eq(knowledgeBases.ownerId, ownerId), inArray(knowledgeBases.id, [...ids])));
  }

  /** Every base of the owner (the knowledge_search tool's default scope), newest first, at most `limit`. */
  async listAllOwned(ownerId: string, limit: number): Promise<KnowledgeBaseRecord[]> {
    return this.db
      .select()
      .from(knowledgeBases)
      .where(eq(knowledgeBases.ownerId, ownerId))
      .orderBy(desc(knowledgeBases.createdAt))
      .limit(limit);
  }

  async listByOwner(
    ownerId: string,
    search: string | undefined,
    page: { offset: number; limit: number },
  ): Promise<{ rows: KnowledgeBaseRecord[]; total: number }> {
    const conditions: SQL[] = [eq(knowledgeBases.ownerId, ownerId)];
    if (search) {
      const pattern = containsPattern(search);
      conditions.push(or(ilike(knowledgeBases.name, pattern), ilike(knowledgeBases.description, pattern))!);
    }
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(knowledgeBases).where(where).orderBy(desc(knowledgeBases.createdAt), desc(knowledgeBases.id)).offset(page.offset).limit(page.limit),
      this.db.$count(knowledgeBases, where),
    ]);
    return { rows, total };
  }

  /** Documents per status and chunks of each base, for lists and details. */
  async countsOf(ids: readonly string[]): Promise<Map<string, Omit<KnowledgeBaseSummary, 'base'>>> {
    const counts = new Map<string, Omit<KnowledgeBaseSummary, 'base'>>();
    if (ids.length === 0) return counts;
    for (const id of ids) counts.set(id, { documentCount: 0, chunkCount: 0, documentsByStatus: {} });
    const [statuses, chunks] = await Promise.all([
      this.db
        .select({ id: knowledgeDocuments.knowledgeBaseId, status: knowledgeDocuments.status, count: sql<number>`count(*)::int` })
        .from(knowledgeDocuments)
        .where(inArray(knowledgeDocuments.knowledgeBaseId, [...ids]))
        .groupBy(knowledgeDocuments.knowledgeBaseId, knowledgeDocuments.status),
      this.db
        .select({ id: knowledgeChunks.knowledgeBaseId, count: sql<number>`count(*)::int` })
        .from(knowledgeChunks)
        .where(inArray(knowledgeChunks.knowledgeBaseId, [...ids]))
        .groupBy(knowledgeChunks.knowledgeBaseId),
    ]);
    for (const row of statuses) {
      const entry = counts.get(row.id)!;
      entry.documentsByStatus[row.status] = Number(row.count);
      entry.documentCount += Number(row.count);
    }
    for (const row of chunks) counts.get(row.id)!.chunkCount = Number(row.count);
    return counts;
  }

  async update(id: string, changes: Partial<typeof knowledgeBases.$inferInsert>): Promise<KnowledgeBaseRecord | null> {
    const rows = await this.db.update(knowledgeBases).set(changes).where(eq(knowledgeBases.id, id)).returning();
    return rows[0] ?? null;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(knowledgeBases)
      .where(and(eq(knowledgeBases.ownerId, ownerId), eq(knowledgeBases.id, id)))
      .returning({ id: knowledgeBases.id });
    return rows.length > 0;
  }

  async insertDocument(row: typeof knowledgeDocuments.$inferInsert): Promise<DocumentRecord> {
    const rows = await this.db.insert(knowledgeDocuments).values(row).returning(documentColumns);
    return rows[0]!;
  }

  async findDocument(knowledgeBaseId: string, id: string): Promise<DocumentRecord | null> {
    const rows = await this.db
      .select(documentColumns)
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId), eq(knowledgeDocuments.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** A document with its base, by document id alone (ingestion jobs carry only the id). */
  async findDocumentById(id: string): Promise<{ base: KnowledgeBaseRecord; document: DocumentRecord } | null> {
    const rows = await this.db
      .select({ base: knowledgeBases, document: documentColumns })
      .from(knowledgeDocuments)
      .innerJoin(knowledgeBases, eq(knowledgeBases.id, knowledgeDocuments.knowledgeBaseId))
      .where(eq(knowledgeDocuments.id, id))
      .limit(1);
    return rows[0] ?? null;
  }

  /** Updates a document while `ingestionId` is its current ingestion; false when superseded or gone. */
  async updateIngestingDocument(
    id: string,
    ingestionId: string,
    changes: Partial<typeof knowledgeDocuments.$inferInsert>,
  ): Promise<boolean> {
    const rows = await this.db
      .update(knowledgeDocuments)
      .set(changes)
      .where(and(eq(knowledgeDocuments.id, id), eq(knowledgeDocuments.ingestionId, ingestionId)))
      .returning({ id: knowledgeDocuments.id });
    return rows.length > 0;
  }

  /** The stored extracted text of a document (null before parsing finished). */
  async documentContent(id: string): Promise<string | null> {
    const rows = await this.db.select({ content: knowledgeDocuments.content }).from(knowledgeDocuments).where(eq(knowledgeDocuments.id, id));
    return rows[0]?.content ?? null;
  }

  async listDocuments(
    knowledgeBaseId: string,
    filter: { status?: DocumentStatus | undefined; search?: string | undefined },
    page: { offset: number; limit: number },
  ): Promise<{ rows: DocumentRecord[]; total: number }> {
    const conditions: SQL[] = [eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId)];
    if (filter.status) conditions.push(eq(knowledgeDocuments.status, filter.status));
    if (filter.search) conditions.push(ilike(knowledgeDocuments.name, containsPattern(filter.search)));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select(documentColumns)
        .from(knowledgeDocuments)
        .where(where)
        .orderBy(asc(knowledgeDocuments.createdAt), asc(knowledgeDocuments.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(knowledgeDocuments, where),
    ]);
    return { rows, total };
  }

  /** Ids of a base's documents (re-indexing walks them all). */
  async documentIds(knowledgeBaseId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId))
      .orderBy(asc(knowledgeDocuments.createdAt));
    return rows.map((row) => row.id);
  }

  /** Documents not finished and untouched since `staleBefore`: what a restart must pick up again. */
  async unfinishedDocuments(staleBefore: Date): Promise<Array<{ id: string; knowledgeBaseId: string }>> {
    return this.db
      .select({ id: knowledgeDocuments.id, knowledgeBaseId: knowledgeDocuments.knowledgeBaseId })
      .from(knowledgeDocuments)
      .where(
        and(
          inArray(knowledgeDocuments.status, ['pending', 'parsing', 'chunking', 'embedding']),
          lte(knowledgeDocuments.updatedAt, staleBefore),
        ),
      );
  }

  /** Updates a document; returns false when it is gone (deleted meanwhile). */
  async updateDocument(id: string, changes: Partial<typeof knowledgeDocuments.$inferInsert>): Promise<boolean> {
    const rows = await this.db
      .update(knowledgeDocuments)
      .set(changes)
      .where(eq(knowledgeDocuments.id, id))
      .returning({ id: knowledgeDocuments.id });
    return rows.length > 0;
  }

  /** Puts every document of a base back to pending (re-index). */
  async resetDocuments(knowledgeBaseId: string, now: Date): Promise<void> {
    await this.db
      .update(knowledgeDocuments)
      .set({ status: 'pending', error: null, chunksDone: 0, chunksTotal: 0, attempts: 0, indexedAt: null, updatedAt: now })
      .where(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId));
  }

  async deleteDocument(knowledgeBaseId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.knowledgeBaseId, knowledgeBaseId), eq(knowledgeDocuments.id, id)))
      .returning({ id: knowledgeDocuments.id });
    return rows.length > 0;
  }

  /** Names of documents by id (search hits carry them). */
  async documentNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: knowledgeDocuments.id, name: knowledgeDocuments.name })
      .from(knowledgeDocuments)
      .where(inArray(knowledgeDocuments.id, [...ids]));
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}
