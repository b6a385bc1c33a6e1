import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { customTools, toolCalls } from '../../platform/db/schema/index.js';

/** A stored custom tool. */
export type CustomToolRecord = typeof customTools.$inferSelect;
/** A custom tool to insert. */
export type NewCustomTool = typeof customTools.$inferInsert;
/** One usage record of a tool call. */
export type ToolCallRow = typeof toolCalls.$inferInsert;

/** Custom tools and tool usage records. */
export class ToolsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the tool; null when the owner already has a tool of that name. */
  async insert(tool: NewCustomTool): Promise<CustomToolRecord | null> {
    try {
      const rows = await this.db.insert(customTools).values(tool).returning();
      return rows[0]!;
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async findOwned(ownerId: string, id: string): Promise<CustomToolRecord | null> {
    const rows = await this.db
      .select()
      .from(customTools)
      .where(and(eq(customTools.ownerId, ownerId), eq(customTools.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  async findByName(ownerId: string, name: string): Promise<CustomToolRecord | null> {
    const rows = await this.db
      .select()
      .from(customTools)
      .where(and(eq(customTools.ownerId, ownerId), eq(customTools.name, name)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The owner's tools with one of these names or ids. */
  async findMany(ownerId: string, names: readonly string[], ids: readonly string[]): Promise<CustomToolRecord[]> {
    const matches = [
      ...(names.length > 0 ? [inArray(customTools.name, [...names])] : []),
      ...(ids.length > 0 ? [inArray(customTools.id, [...ids])] : []),
    ];
    if (matches.length === 0) return [];
    return this.db
      .select()
      .from(customTools)
      .where(and(eq(customTools.ownerId, ownerId), or(...matches)));
  }

  /** Every custom tool of the owner, by name. */
  async listByOwner(ownerId: string): Promise<CustomToolRecord[]> {
    return this.db.select().from(customTools).where(eq(customTools.ownerId, ownerId)).orderBy(asc(customTools.name));
  }

  /** Applies a change; null when the tool is not the owner's, 'name_taken' when the new name is. */
  async update(ownerId: string, id: string, change: Partial<NewCustomTool>): Promise<CustomToolRecord | 'name_taken' | null> {
    try {
      const rows = await this.db
        .update(customTools)
        .set(change)
        .where(and(eq(customTools.ownerId, ownerId), eq(customTools.id, id)))
        .returning();
      return rows[0] ?? null;
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(customTools)
      .where(and(eq(customTools.ownerId, ownerId), eq(customTools.id, id)))
      .returning({ id: customTools.id });
    return rows.length > 0;
  }

  /** The owner's tools that come from one MCP server. */
  async listByServer(ownerId: string, serverId: string): Promise<CustomToolRecord[]> {
    return this.db
      .select()
      .from(customTools)
      .where(and(eq(customTools.ownerId, ownerId), eq(customTools.type, 'mcp'), sql`${customTools.config}->>'server_id' = ${serverId}`))
      .orderBy(asc(customTools.name));
  }

  async insertCalls(rows: ToolCallRow[]): Promise<void> {
    if (rows.length > 0) await this.db.insert(toolCalls).values(rows);
  }
}
