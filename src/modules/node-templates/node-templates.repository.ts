import { and, arrayContains, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { containsPattern } from '../../platform/db/like.js';
import { nodeTemplates } from '../../platform/db/schema/index.js';

/** A stored node template row. */
export type NodeTemplateRecord = typeof nodeTemplates.$inferSelect;

/** The editable fields of a node template. */
export type NodeTemplateFields = Pick<NodeTemplateRecord, 'name' | 'description' | 'nodeType' | 'config' | 'errorPolicy' | 'category' | 'tags'>;

/** What narrows a list of node templates. */
export interface NodeTemplateFilter {
  search?: string | undefined;
  nodeType?: string | undefined;
  category?: string | undefined;
  tag?: string | undefined;
}

/** Node templates, always read and written as their owner's. */
export class NodeTemplatesRepository {
  constructor(private readonly db: Database) {}

  /** Inserts a template; null when the owner already has one of this name. */
  async insert(template: NodeTemplateFields & { id: string; ownerId: string; now: Date }): Promise<NodeTemplateRecord | null> {
    const { now, ...fields } = template;
    const rows = await this.db
      .insert(nodeTemplates)
      .values({ ...fields, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: [nodeTemplates.ownerId, nodeTemplates.name] })
      .returning();
    return rows[0] ?? null;
  }

  /** The owner's template, or null (another user's template is not found). */
  async findOwned(ownerId: string, id: string): Promise<NodeTemplateRecord | null> {
    const rows = await this.db
      .select()
      .from(nodeTemplates)
      .where(and(eq(nodeTemplates.ownerId, ownerId), eq(nodeTemplates.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** A page of the owner's templates that match the filter, most recently updated first. */
  async listByOwner(
    ownerId: string,
    filter: NodeTemplateFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: NodeTemplateRecord[]; total: number }> {
    const conditions: SQL[] = [eq(nodeTemplates.ownerId, ownerId)];
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      conditions.push(or(ilike(nodeTemplates.name, pattern), ilike(nodeTemplates.description, pattern))!);
    }
    if (filter.nodeType) conditions.push(eq(nodeTemplates.nodeType, filter.nodeType));
    if (filter.category) conditions.push(eq(nodeTemplates.category, filter.category));
    if (filter.tag) conditions.push(arrayContains(nodeTemplates.tags, [filter.tag]));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(nodeTemplates)
        .where(where)
        .orderBy(desc(nodeTemplates.updatedAt), desc(nodeTemplates.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(nodeTemplates, where),
    ]);
    return { rows, total };
  }

  /** Replaces the editable fields; 'not_found' when the template is not the owner's, 'name_taken' on a name clash. */
  async update(
    ownerId: string,
    id: string,
    fields: NodeTemplateFields,
    now: Date,
  ): Promise<NodeTemplateRecord | 'not_found' | 'name_taken'> {
    try {
      const rows = await this.db
        .update(nodeTemplates)
        .set({ ...fields, updatedAt: now })
        .where(and(eq(nodeTemplates.ownerId, ownerId), eq(nodeTemplates.id, id)))
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
      .delete(nodeTemplates)
      .where(and(eq(nodeTemplates.ownerId, ownerId), eq(nodeTemplates.id, id)))
      .returning({ id: nodeTemplates.id });
    return rows.length > 0;
  }
}
