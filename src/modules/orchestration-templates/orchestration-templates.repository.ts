import { eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { OwnedNamedRowsRepository } from '../../platform/db/owned-named-rows.js';
import { orchestrationTemplates, type OrchestrationTemplateMode } from '../../platform/db/schema/index.js';

/** A stored orchestration template row. */
export type TemplateRecord = typeof orchestrationTemplates.$inferSelect;

/** The editable fields of a template. */
export type TemplateFields = Pick<TemplateRecord, 'name' | 'description' | 'mode' | 'config'>;

/** Orchestration templates, always read and written as their owner's. */
export class OrchestrationTemplatesRepository extends OwnedNamedRowsRepository<typeof orchestrationTemplates, TemplateFields> {
  constructor(db: Database) {
    super(db, orchestrationTemplates);
  }

  /** A page of the owner's templates matching the filter, most recently updated first. */
  listByOwner(ownerId: string, filter: { search?: string | undefined; mode?: OrchestrationTemplateMode | undefined }, page: { offset: number; limit: number }) {
    const conditions: SQL[] = filter.mode ? [eq(orchestrationTemplates.mode, filter.mode)] : [];
    return this.page(ownerId, { search: filter.search, conditions }, page);
  }
}
