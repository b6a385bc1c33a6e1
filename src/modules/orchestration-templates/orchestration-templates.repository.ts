import { and, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { containsPattern } from '../../platform/db/like.js';
import { orchestrationTemplates, type OrchestrationTemplateMode } from '../../platform/db/schema/index.js';

/** A stored orchestration template row. */
export type TemplateRecord = typeof orchestrationTemplates.$inferSelect;

/** The editable fields of a template. */
export type TemplateFields = Pick<TemplateRecord, 'name' | 'description' | 'mode' | 'config'>;

/** Orchestration templates, always read and written as their owner's. */
export class OrchestrationTemplatesRepository {
  constructor(private readonly db: Database) {}

  /** Inserts a template; null when the owner already has one of this name. */
  async insert(template: TemplateFields & { id: string; ownerId: string; now: Date }): Promise<TemplateRecord | null> {
    const { now, ...fields } = template;
    const rows = await this.db
      .insert(orchestrationTemplates)
      .values({ ...fields, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: [orchestrationTemplates.ownerId, orchestrationTemplates.name] })
      .returning();
    return rows[0] ?? null;
  }

  /** The owner's template, or null (another user's template is not found). */
  async findOwned(ownerId: string, id: string): Promise<TemplateRecord | null> {
    const rows = await this.db
      .select()
      .from(orchestrationTemplates)
      .where(and(eq(orchestrationTemplates.ownerId, ownerId), eq(orchestrationTemplates.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** A page of the owner's templates matching the filter, most recently updated first. */
  async listByOwner(
    ownerId: string,
    filter: { search?: string | undefined; mode?: OrchestrationTemplateMode | undefined },
    page: { offset: number; limit: number },
  ): Promise<{ rows: TemplateRecord[]; total: number }> {
    const conditions: SQL[] = [eq(orchestrationTemplates.ownerId, ownerId)];
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      conditions.push(or(ilike(orchestrationTemplates.name, pattern), ilike(orchestrationTemplates.description, pattern))!);
    }
    if (filter.mode) conditions.push(eq(orchestrationTemplates.mode, filter.mode));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(orchestrationTemplates)
        .where(where)
        .orderBy(desc(orchestrationTemplates.updatedAt), desc(orchestrationTemplates.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(orchestrationTemplates, where),
    ]);
    return { rows, total };
  }

  /** Replaces the editable fields; 'not_found' when the template is not the owner's, 'name_taken' on a name clash. */
  async update(ownerId: string, id: string, fields: TemplateFields, now: Date): Promise<TemplateRecord | 'not_found' | 'name_taken'> {
    try {
      const rows = await this.db
        .update(orchestrationTemplates)
        .set({ ...fields, updatedAt: now })
        .where(and(eq(orchestrationTemplates.ownerId, ownerId), eq(orchestrationTemplates.id, id)))
        .returning();
      return rows[0] ?? 'not_found';
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  /** Deletes the owner's template; false when there was none. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .delete(orchestrationTemplates)
      .where(and(eq(orchestrationTemplates.ownerId, ownerId), eq(orchestrationTemplates.id, id)))
      .returning({ id: orchestrationTemplates.id });
    return rows.length > 0;
  }
}
