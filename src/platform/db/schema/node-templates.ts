import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** A node's error policy as a template keeps it (the engine's errorPolicySchema checks it). */
export type StoredErrorPolicy = Record<string, unknown>;

/** Saved node configurations: a node type with its config, ready to drop into a workflow graph. */
export const nodeTemplates = pgTable(
  'node_templates',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    nodeType: text('node_type').notNull(),
    /** Checked against the node type's config schema before it is stored. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    errorPolicy: jsonb('error_policy').$type<StoredErrorPolicy>(),
    category: text('category').notNull(),
    tags: text('tags').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('node_templates_owner_name').on(table.ownerId, table.name),
    index('node_templates_owner_updated').on(table.ownerId, table.updatedAt),
  ],
);
