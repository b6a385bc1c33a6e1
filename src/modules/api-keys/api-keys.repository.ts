import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { apiKeys } from '../../platform/db/schema/index.js';

/** A stored API key row (its hash, never the key). */
export type ApiKeyRecord = typeof apiKeys.$inferSelect;

/** API keys, read and written as their owner's, and found by hash when a request presents one. */
export class ApiKeysRepository {
  constructor(private readonly db: Database) {}

  async insert(record: Omit<ApiKeyRecord, 'lastUsedAt' | 'revokedAt'>): Promise<ApiKeyRecord> {
    const rows = await this.db.insert(apiKeys).values(record).returning();
    return rows[0]!;
  }

  /** The owner's key, or null (another user's key is not found). */
  async findOwned(ownerId: string, id: string): Promise<ApiKeyRecord | null> {
    const rows = await this.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.ownerId, ownerId), eq(apiKeys.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The key with this hash, whoever owns it (revoked and expired ones included). */
  async findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const rows = await this.db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
    return rows[0] ?? null;
  }

  /** A page of the owner's keys, newest first. */
  async listByOwner(ownerId: string, page: { offset: number; limit: number }): Promise<{ rows: ApiKeyRecord[]; total: number }> {
    const where = eq(apiKeys.ownerId, ownerId);
    const [rows, total] = await Promise.all([
      this.db.select().from(apiKeys).where(where).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).offset(page.offset).limit(page.limit),
      this.db.$count(apiKeys, where),
    ]);
    return { rows, total };
  }

  /** Marks the owner's key revoked (once: a second revoke keeps the first instant); null when not theirs. */
  async revoke(ownerId: string, id: string, now: Date): Promise<ApiKeyRecord | null> {
    await this.db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.ownerId, ownerId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
    return this.findOwned(ownerId, id);
  }

  /** Records a use, unless one was recorded after `staleBefore` (so a busy key does not write on every call). */
  async touch(id: string, now: Date, staleBefore: Date): Promise<void> {
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))));
  }
}
