import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { mcpServers } from '../../platform/db/schema/index.js';

/** A stored MCP server. */
export type McpServerRecord = typeof mcpServers.$inferSelect;

/** The MCP servers users registered. */
export class McpServersRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the server; null when the owner already has one of that name. */
  async insert(server: typeof mcpServers.$inferInsert): Promise<McpServerRecord | null> {
    try {
      const rows = await this.db.insert(mcpServers).values(server).returning();
      return rows[0]!;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async findOwned(ownerId: string, id: string): Promise<McpServerRecord | null> {
    const rows = await this.db
      .select()
      .from(mcpServers)
      .where(and(eq(mcpServers.ownerId, ownerId), eq(mcpServers.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  async listByOwner(ownerId: string): Promise<McpServerRecord[]> {
    return this.db.select().from(mcpServers).where(eq(mcpServers.ownerId, ownerId)).orderBy(asc(mcpServers.name));
  }

  async touch(ownerId: string, id: string, now: Date): Promise<void> {
    await this.db
      .update(mcpServers)
      .set({ updatedAt: now })
      .where(and(eq(mcpServers.ownerId, ownerId), eq(mcpServers.id, id)));
  }

  async delete(ownerId: string, id: string): Promise<void> {
    await this.db.delete(mcpServers).where(and(eq(mcpServers.ownerId, ownerId), eq(mcpServers.id, id)));
  }
}
