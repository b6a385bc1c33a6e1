import { and, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './database.js';
import { isUniqueViolation } from './errors.js';
import { containsPattern } from './like.js';

/** The columns of a table of rows that a user owns and names uniquely (templates of all kinds). */
export type OwnedNamedTable = PgTable & {
  id: AnyPgColumn;
  ownerId: AnyPgColumn;
  name: AnyPgColumn;
  description: AnyPgColumn;
  updatedAt: AnyPgColumn;
};

/**
 * Rows always read and written as their owner's, with a name unique per owner (the unique index on
 * owner and name): node templates, orchestration templates. Subclasses add their own filters.
 */
export class OwnedNamedRowsRepository<TTable extends OwnedNamedTable, TFields extends object> {
  constructor(
    protected readonly db: Database,
    private readonly table: TTable,
  ) {}

  /** Inserts a row; null when the owner already has one of this name. */
  async insert(row: TFields & { id: string; ownerId: string; now: Date }): Promise<TTable['$inferSelect'] | null> {
    const { now, ...fields } = row;
    const values = { ...fields, createdAt: now, updatedAt: now } as unknown as TTable['$inferInsert'];
    const rows = (await this.db
      .insert(this.table)
      .values(values)
      .onConflictDoNothing({ target: [this.table.ownerId, this.table.name] })
      .returning()) as Array<TTable['$inferSelect']>;
    return rows[0] ?? null;
  }

  /** The owner's row, or null (another user's row is not found). */
  async findOwned(ownerId: string, id: string): Promise<TTable['$inferSelect'] | null> {
    const rows = (await this.db.select().from(this.table as PgTable).where(this.owned(ownerId, id)).limit(1)) as Array<TTable['$inferSelect']>;
    return rows[0] ?? null;
  }

  /** Replaces the editable fields; 'not_found' when the row is not the owner's, 'name_taken' on a name clash. */
  async update(ownerId: string, id: string, fields: TFields, now: Date): Promise<TTable['$inferSelect'] | 'not_found' | 'name_taken'> {
    try {
      const changes = { ...fields, updatedAt: now } as unknown as Partial<TTable['$inferInsert']>;
      const rows = (await this.db.update(this.table).set(changes).where(this.owned(ownerId, id)).returning()) as Array<TTable['$inferSelect']>;
      return rows[0] ?? 'not_found';
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
  }

  /** Deletes the owner's row; false when there was none. */
  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = await this.db.delete(this.table).where(this.owned(ownerId, id)).returning({ id: this.table.id });
    return rows.length > 0;
  }

  /**
   * A page of the owner's rows, most recently updated first: `search` matches name or description,
   * `conditions` are the subclass's own filters.
   */
  protected async page(
    ownerId: string,
    options: { search?: string | undefined; conditions: SQL[] },
    page: { offset: number; limit: number },
  ): Promise<{ rows: Array<TTable['$inferSelect']>; total: number }> {
    const { table } = this;
    const conditions: SQL[] = [eq(table.ownerId, ownerId), ...options.conditions];
    if (options.search) {
      const pattern = containsPattern(options.search);
      conditions.push(or(ilike(table.name, pattern), ilike(table.description, pattern))!);
    }
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db
        .select()
        .from(table as PgTable)
        .where(where)
        .orderBy(desc(table.updatedAt), desc(table.id))
        .offset(page.offset)
        .limit(page.limit),
      this.db.$count(table, where),
    ]);
    return { rows: rows as Array<TTable['$inferSelect']>, total };
  }

  private owned(ownerId: string, id: string): SQL {
    return and(eq(this.table.ownerId, ownerId), eq(this.table.id, id))!;
  }
}
