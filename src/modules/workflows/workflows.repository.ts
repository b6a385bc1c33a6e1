import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { containsPattern } from '../../platform/db/like.js';
import { workflows, workflowVersions, type WorkflowDefinition } from '../../platform/db/schema/index.js';

/** A stored workflow row (its webhook secret sealed). */
export type WorkflowRecord = typeof workflows.$inferSelect;
/** A stored version row. */
export type WorkflowVersionRecord = typeof workflowVersions.$inferSelect;

/** What a new workflow row is made of; it is stored with its version 1. */
export interface NewWorkflow {
  id: string;
  ownerId: string;
  definition: WorkflowDefinition;
  webhookSecretSealed: string;
  /** What made version 1: "create", "import". */
  note: string;
  now: Date;
}

/** A new definition for a workflow, stored as its next version. */
export interface DefinitionUpdate {
  ownerId: string;
  id: string;
  definition: WorkflowDefinition;
  /** What made this version: "update", "rollback to v2". */
  note: string;
  now: Date;
}

/** Workflows and their version history. */
export class WorkflowsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the workflow and its version 1 together; null when the owner already has the name. */
  async insert(workflow: NewWorkflow): Promise<WorkflowRecord | null> {
    return this.db.transaction(async (transaction) => {
      const rows = await transaction
        .insert(workflows)
        .values({
          id: workflow.id,
          ownerId: workflow.ownerId,
          name: workflow.definition.name,
          version: 1,
          definition: workflow.definition,
          webhookSecretSealed: workflow.webhookSecretSealed,
          createdAt: workflow.now,
          updatedAt: workflow.now,
        })
        .onConflictDoNothing({ target: [workflows.ownerId, workflows.name] })
        .returning();
      const inserted = rows[0];
      if (!inserted) return null;
      await transaction.insert(workflowVersions).values({
        workflowId: workflow.id,
        version: 1,
        definition: workflow.definition,
        note: workflow.note,
        createdAt: workflow.now,
      });
      return inserted;
    });
  }

  /** The owner's workflow, or null (another user's workflow is not found). */
  async findOwned(ownerId: string, id: string): Promise<WorkflowRecord | null> {
    const rows = await this.db
      .select()
      .from(workflows)
      .where(and(eq(workflows.ownerId, ownerId), eq(workflows.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** Any user's workflow, for a webhook call (its secret, not a token, proves who may run it). */
  async findById(id: string): Promise<WorkflowRecord | null> {
    const rows = await this.db.select().from(workflows).where(eq(workflows.id, id)).limit(1);
    return rows[0] ?? null;
  }

  /** The owner's workflow of this exact name, or null. */
  async findByName(ownerId: string, name: string): Promise<WorkflowRecord | null> {
    const rows = await this.db
      .select()
      .from(workflows)
      .where(and(eq(workflows.ownerId, ownerId), eq(workflows.name, name)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** Which of `names` the owner's workflows already use. */
  async takenNames(ownerId: string, names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .select({ name: workflows.name })
      .from(workflows)
      .where(and(eq(workflows.ownerId, ownerId), inArray(workflows.name, [...names])));
    return rows.map((row) => row.name);
  }

  /** A page of the owner's workflows, most recently updated first. */
  async listByOwner(
    ownerId: string,
    search: string | undefined,
    page: { offset: number; limit: number },
  ): Promise<{ rows: WorkflowRecord[]; total: number }> {
    const conditions: SQL[] = [eq(workflows.ownerId, ownerId)];
    if (search) {
      const pattern = containsPattern(search);
      conditions.push(or(ilike(workflows.name, pattern), ilike(sql`${workflows.definition}->>'description'`, pattern))!);
    }
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(workflows)
        .where(where)
        .orderBy(desc(workflows.updatedAt), desc(workflows.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(workflows, where),
    ]);
    return { rows, total };
  }

  /**
   * Stores a new definition as the next version (the version number taken in the same statement,
   * so two concurrent updates get two numbers). 'not_found' when the workflow is not the owner's.
   */
  async updateDefinition(update: DefinitionUpdate): Promise<WorkflowRecord | 'not_found' | 'name_taken'> {
    try {
      return await this.db.transaction(async (transaction) => {
        const rows = await transaction
          .update(workflows)
          .set({
            name: update.definition.name,
            definition: update.definition,
            version: sql`${workflows.version} + 1`,
            updatedAt: update.now,
          })
          .where(and(eq(workflows.ownerId, update.ownerId), eq(workflows.id, update.id)))
          .returning();
        const updated = rows[0];
        if (!updated) return 'not_found' as const;
        await transaction.insert(workflowVersions).values({
          workflowId: update.id,
          version: updated.version,
          definition: update.definition,
          note: update.note,
          createdAt: update.now,
        });
        return updated;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  /** Replaces the sealed webhook secret; null when the workflow is not the owner's. */
  async setWebhookSecret(ownerId: string, id: string, sealed: string, now: Date): Promise<WorkflowRecord | null> {
    const rows = await this.db
      .update(workflows)
      .set({ webhookSecretSealed: sealed, updatedAt: now })
      .where(and(eq(workflows.ownerId, ownerId), eq(workflows.id, id)))
      .returning();
    return rows[0] ?? null;
  }

  /** Deletes the owner's workflow with its versions (and executions, by cascade); false when there was none. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(workflows)
      .where(and(eq(workflows.ownerId, ownerId), eq(workflows.id, id)))
      .returning({ id: workflows.id });
    return rows.length > 0;
  }

  /** A page of a workflow's versions, newest first. */
  async listVersions(
    workflowId: string,
    page: { offset: number; limit: number },
  ): Promise<{ rows: WorkflowVersionRecord[]; total: number }> {
    const where = eq(workflowVersions.workflowId, workflowId);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(workflowVersions)
        .where(where)
        .orderBy(desc(workflowVersions.version))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(workflowVersions, where),
    ]);
    return { rows, total };
  }

  async findVersion(workflowId: string, version: number): Promise<WorkflowVersionRecord | null> {
    const rows = await this.db
      .select()
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)))
      .limit(1);
    return rows[0] ?? null;
  }
}
