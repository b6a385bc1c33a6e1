import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** The modes an orchestration template can run. */
export type OrchestrationTemplateMode = 'route' | 'sequential' | 'pipeline' | 'debate' | 'graph';

/**
 * A template's fields for its mode, snake_case as the API shows them (checked by the templates
 * service before they are stored): agent_ids, rounds, judge_agent_id, router_prompt,
 * model_config_id, stages, output, agent_id, workflow_config, input.
 */
export type OrchestrationTemplateConfig = Record<string, unknown>;

/** Saved multi-agent orchestrations: a mode with its agents and settings, run again by id. */
export const orchestrationTemplates = pgTable(
  'orchestration_templates',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    mode: text('mode', { enum: ['route', 'sequential', 'pipeline', 'debate', 'graph'] }).notNull(),
    config: jsonb('config').$type<OrchestrationTemplateConfig>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('orchestration_templates_owner_name').on(table.ownerId, table.name),
    index('orchestration_templates_owner_updated').on(table.ownerId, table.updatedAt),
    check('orchestration_templates_mode_check', sql`${table.mode} in ('route', 'sequential', 'pipeline', 'debate', 'graph')`),
  ],
);
