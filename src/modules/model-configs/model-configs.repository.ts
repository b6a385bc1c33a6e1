import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';
import { modelConfigs } from '../../platform/db/schema/index.js';
import type { ModelKind, ProviderName } from '../../platform/llm/providers.js';

/** A stored model config row. */
export type ModelConfigRecord = typeof modelConfigs.$inferSelect;
type NewModelConfig = typeof modelConfigs.$inferInsert;
type ModelConfigPatch = Partial<Omit<NewModelConfig, 'id' | 'ownerId' | 'createdAt'>>;

/** Filters of a model config list. */
export interface ModelConfigFilter {
  search?: string | undefined;
  kind?: ModelKind | undefined;
  provider?: ProviderName | undefined;
}


/** Model configs, always scoped to their owner. */
export class ModelConfigsRepository {
  constructor(private readonly db: Database) {}

  async findById(ownerId: string, id: string): Promise<ModelConfigRecord | null> {
    const rows = await this.db
      .select()
      .from(modelConfigs)
      .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  async findDefault(ownerId: string, kind: ModelKind): Promise<ModelConfigRecord | null> {
    const rows = await this.db
      .select()
      .from(modelConfigs)
      .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.kind, kind), eq(modelConfigs.isDefault, true)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The owner's chat config for `provider`, the one with `modelName` first, then the default, then the newest. */
  async findByProvider(ownerId: string, provider: ProviderName, modelName: string): Promise<ModelConfigRecord | null> {
    const rows = await this.db
      .select()
      .from(modelConfigs)
      .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.provider, provider), eq(modelConfigs.kind, 'chat')))
      .orderBy(desc(sql`${modelConfigs.modelName} = ${modelName}`), desc(modelConfigs.isDefault), desc(modelConfigs.id))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The owner's configs among `ids` (others' and missing ids are simply absent). */
  async findManyByIds(ownerId: string, ids: string[]): Promise<ModelConfigRecord[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(modelConfigs)
      .where(and(eq(modelConfigs.ownerId, ownerId), sql`${modelConfigs.id} = any(${sql.param(ids)}::uuid[])`));
  }

  async listByOwner(
    ownerId: string,
    filter: ModelConfigFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: ModelConfigRecord[]; total: number }> {
    const conditions: SQL[] = [eq(modelConfigs.ownerId, ownerId)];
    if (filter.kind) conditions.push(eq(modelConfigs.kind, filter.kind));
    if (filter.provider) conditions.push(eq(modelConfigs.provider, filter.provider));
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      conditions.push(or(ilike(modelConfigs.name, pattern), ilike(modelConfigs.modelName, pattern))!);
    }
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(modelConfigs)
        .where(where)
        .orderBy(desc(modelConfigs.isDefault), asc(modelConfigs.kind), desc(modelConfigs.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(modelConfigs, where),
    ]);
    return { rows, total };
  }

  /** Inserts a config; when it is the default of its kind, the previous default stops being one. */
  async insert(row: NewModelConfig): Promise<ModelConfigRecord> {
    return this.db.transaction(async (transaction) => {
      if (row.isDefault) await this.clearDefault(transaction, row.ownerId, row.kind, row.updatedAt);
      const inserted = await transaction.insert(modelConfigs).values(row).returning();
      return inserted[0]!;
    });
  }

  /** Applies `patch`; resolves to null when the config is not the owner's. */
  async update(ownerId: string, id: string, patch: ModelConfigPatch, kind: ModelKind): Promise<ModelConfigRecord | null> {
    return this.db.transaction(async (transaction) => {
      if (patch.isDefault) await this.clearDefault(transaction, ownerId, kind, patch.updatedAt ?? new Date());
      const updated = await transaction
        .update(modelConfigs)
        .set(patch)
        .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.id, id)))
        .returning();
      return updated[0] ?? null;
    });
  }

  /** Deletes the config and drops it from the owner's fallback lists; false when it was not there. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    return this.db.transaction(async (transaction) => {
      const deleted = await transaction
        .delete(modelConfigs)
        .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.id, id)))
        .returning({ id: modelConfigs.id });
      if (deleted.length === 0) return false;
      await this.removeFromFallbacks(ownerId, id, transaction);
      return true;
    });
  }

  /** Drops `id` from every fallback list of the owner (it was deleted or is no longer a chat model). */
  async removeFromFallbacks(ownerId: string, id: string, db: Database = this.db): Promise<void> {
    await db
      .update(modelConfigs)
      .set({ fallbackModelIds: sql`array_remove(${modelConfigs.fallbackModelIds}, ${id}::uuid)` })
      .where(and(eq(modelConfigs.ownerId, ownerId), sql`${id}::uuid = any(${modelConfigs.fallbackModelIds})`));
  }

  private async clearDefault(transaction: Database, ownerId: string, kind: string, now: Date): Promise<void> {
    await transaction
      .update(modelConfigs)
      .set({ isDefault: false, updatedAt: now })
      .where(and(eq(modelConfigs.ownerId, ownerId), eq(modelConfigs.kind, kind as ModelKind), eq(modelConfigs.isDefault, true)));
  }
}
