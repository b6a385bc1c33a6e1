import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ProviderName } from '../../llm/providers.js';
import { users } from './users.js';

/** The editable definition of an agent, snake_case as the API shows it; each version stores one. */
export interface AgentDefinition {
  name: string;
  description: string;
  system_prompt: string;
  model_config: { provider: ProviderName; model_name: string; temperature?: number; max_tokens?: number; top_p?: number } | null;
  model_config_id: string | null;
  iteration_limit: number;
  include_tools: string[];
  knowledge_base_ids: string[];
  workflow_config: {
    nodes: Array<{ id: string; type: string; [key: string]: unknown }>;
    edges: Array<{ source: string; target: string; [key: string]: unknown }>;
  } | null;
  memory: { history_messages: number; history_tokens: number };
  opening_message: string | null;
  suggested_questions: string[];
  variables: Array<{ name: string; description?: string; default?: string; required?: boolean }>;
  /** Present once the agent is a main agent (POST /agents/{id}/create-main-agent); absent on older rows. */
  coordination?: AgentCoordination;
}

/** A main agent's sub-agents (each becomes a delegation tool of its turns) and how deep delegation may go below it. */
export interface AgentCoordination {
  sub_agent_ids: string[];
  max_delegation_depth: number;
}

/** Agents people build: a versioned definition, a status and an owner. */
export const agents = pgTable(
  'agents',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: text('status', { enum: ['draft', 'published', 'stopped'] }).notNull().default('draft'),
    version: integer('version').notNull().default(1),
    definition: jsonb('definition').$type<AgentDefinition>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('agents_owner_updated_idx').on(table.ownerId, table.updatedAt),
    check('agents_status_check', sql`${table.status} in ('draft', 'published', 'stopped')`),
  ],
);

/** Every version an agent had, so an update never loses what was there before. */
export const agentVersions = pgTable(
  'agent_versions',
  {
    id: uuid('id').primaryKey(),
    agentId: uuid('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<AgentDefinition>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [uniqueIndex('agent_versions_agent_version').on(table.agentId, table.version)],
);
