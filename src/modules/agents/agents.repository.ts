import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';
import { agents, agentVersions, type AgentDefinition } from '../../platform/db/schema/index.js';

/** A stored agent row. */
export type AgentRecord = typeof agents.$inferSelect;
/** An agent's lifecycle state. */
export type AgentStatus = AgentRecord['status'];
/** A stored version row. */
export type AgentVersionRecord = typeof agentVersions.$inferSelect;


/** Agents and their version history. */
export class AgentsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the agent and its version 1 together. */
  async insert(agent: { id: string; versionId: string; ownerId: string; definition: AgentDefinition; now: Date }) {
    return this.db.transaction(async (transaction) => {
      const rows = await transaction
        .insert(agents)
        .values({
          id: agent.id,
          ownerId: agent.ownerId,
          name: agent.definition.name,
          definition: agent.definition,
          createdAt: agent.now,
          updatedAt: agent.now,
        })
        .returning();
      await transaction
        .insert(agentVersions)
        .values({ id: agent.versionId, agentId: agent.id, version: 1, definition: agent.definition, createdAt: agent.now });
      return rows[0]!;
    });
  }

  /** The owner's agent, or null (another user's agent is not found). */
  async findOwned(ownerId: string, id: string): Promise<AgentRecord | null> {
    const rows = await this.db.select().from(agents).where(and(eq(agents.ownerId, ownerId), eq(agents.id, id))).limit(1);
    return rows[0] ?? null;
  }

  /** Any user's agent: only for administrator actions. */
  async findAny(id: string): Promise<AgentRecord | null> {
    const rows = await this.db.select().from(agents).where(eq(agents.id, id)).limit(1);
    return rows[0] ?? null;
  }

  async listByOwner(
    ownerId: string,
    filter: { search?: string | undefined; status?: AgentStatus | undefined },
    page: { offset: number; limit: number },
  ): Promise<{ rows: AgentRecord[]; total: number }> {
    const conditions: SQL[] = [eq(agents.ownerId, ownerId)];
    if (filter.status) conditions.push(eq(agents.status, filter.status));
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      conditions.push(or(ilike(agents.name, pattern), ilike(sql`${agents.definition}->>'description'`, pattern))!);
    }
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(agents).where(where).orderBy(desc(agents.updatedAt), desc(agents.id)).offset(page.offset).limit(page.limit),
      this.db.$count(agents, where),
    ]);
    return { rows, total };
  }

  /** Stores a new definition as the next version; null when the agent is not the owner's. */
  async updateDefinition(update: { ownerId: string; id: string; versionId: string; definition: AgentDefinition; now: Date }) {
    return this.db.transaction(async (transaction) => {
      const rows = await transaction
        .update(agents)
        .set({
          name: update.definition.name,
          definition: update.definition,
          version: sql`${agents.version} + 1`,
          updatedAt: update.now,
        })
        .where(and(eq(agents.ownerId, update.ownerId), eq(agents.id, update.id)))
        .returning();
      const updated = rows[0];
      if (!updated) return null;
      await transaction.insert(agentVersions).values({
        id: update.versionId,
        agentId: update.id,
        version: updated.version,
        definition: update.definition,
        createdAt: update.now,
      });
      return updated;
    });
  }

  async setStatus(ownerId: string, id: string, status: AgentStatus, now: Date): Promise<AgentRecord | null> {
    const rows = await this.db
      .update(agents)
      .set({ status, updatedAt: now })
      .where(and(eq(agents.ownerId, ownerId), eq(agents.id, id)))
      .returning();
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.delete(agents).where(eq(agents.id, id)).returning({ id: agents.id });
    return rows.length > 0;
  }

  async listVersions(agentId: string): Promise<AgentVersionRecord[]> {
    return this.db.select().from(agentVersions).where(eq(agentVersions.agentId, agentId)).orderBy(desc(agentVersions.version));
  }

  async findVersion(agentId: string, version: number): Promise<AgentVersionRecord | null> {
    const rows = await this.db
      .select()
      .from(agentVersions)
      .where(and(eq(agentVersions.agentId, agentId), eq(agentVersions.version, version)))
      .limit(1);
    return rows[0] ?? null;
  }
}
