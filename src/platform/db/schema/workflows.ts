import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TokenUsage } from '../../llm/llm-call.js';
import { runs } from './runs.js';
import { users } from './users.js';

/** A workflow's editable content, as each version keeps it. */
export interface WorkflowDefinition {
  name: string;
  description: string;
  /** `{nodes, edges}`; checked by the engine's validation, not by the column. */
  graph: { nodes: Array<Record<string, unknown>>; edges: Array<Record<string, unknown>> };
  /** `{{env.NAME}}` values of the workflow. */
  environment: Record<string, string>;
}

/** Workflows: the current definition (also kept as versions) and the webhook secret. */
export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<WorkflowDefinition>().notNull(),
    /** The webhook secret, sealed with the secret box. */
    webhookSecretSealed: text('webhook_secret_sealed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [uniqueIndex('workflows_owner_name').on(table.ownerId, table.name)],
);

/** Every version a workflow had; an update adds one, a rollback adds a copy of an old one. */
export const workflowVersions = pgTable(
  'workflow_versions',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<WorkflowDefinition>().notNull(),
    /** What made this version: create, update, rollback (to which), import. */
    note: text('note').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.version] })],
);

/** What made an execution start. */
export type ExecutionTrigger = 'api' | 'webhook' | 'batch' | 'debug';

/** A workflow execution: a run of kind `workflow` with the version it ran and where it waits. */
export const workflowExecutions = pgTable(
  'workflow_executions',
  {
    runId: uuid('run_id')
      .primaryKey()
      .references(() => runs.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id').notNull(),
    workflowVersion: integer('workflow_version').notNull(),
    trigger: text('trigger').$type<ExecutionTrigger>().notNull(),
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    /** The node waiting for a person, and what it asks. */
    waitingNodeId: text('waiting_node_id'),
    waitingRequest: jsonb('waiting_request').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('workflow_executions_workflow').on(table.workflowId, table.createdAt)],
);

/** One node's step in one execution: inputs, outputs, error, times, tokens. */
export const workflowSteps = pgTable(
  'workflow_steps',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    nodeType: text('node_type').notNull(),
    status: text('status').notNull(),
    input: jsonb('input'),
    output: jsonb('output').$type<Record<string, unknown> | null>(),
    branch: text('branch'),
    error: jsonb('error').$type<{ code: string; message: string } | null>(),
    attempts: integer('attempts').notNull(),
    usage: jsonb('usage').$type<TokenUsage | null>(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.runId, table.nodeId] }),
    index('workflow_steps_slowest').on(table.runId, sql`(${table.finishedAt} - ${table.startedAt}) desc`),
  ],
);
