import { arrayContains, eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { OwnedNamedRowsRepository } from '../../platform/db/owned-named-rows.js';
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
export class NodeTemplatesRepository extends OwnedNamedRowsRepository<typeof nodeTemplates, NodeTemplateFields> {
  constructor(db: Database) {
    super(db, nodeTemplates);
  }

  /** A page of the owner's templates that match the filter, most recently updated first. */
  listByOwner(ownerId: string, filter: NodeTemplateFilter, page: { offset: number; limit: number }) {
    const conditions: SQL[] = [];
    if (filter.nodeType) conditions.push(eq(nodeTemplates.nodeType, filter.nodeType));
    if (filter.category) conditions.push(eq(nodeTemplates.category, filter.category));
    if (filter.tag) conditions.push(arrayContains(nodeTemplates.tags, [filter.tag]));
    return this.page(ownerId, { search: filter.search, conditions }, page);
  }
}
