import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

/** Where a run is in its life; the last three never change again. */
export type RunStatus = 'pending' | 'running' | 'paused' | 'waiting_approval' | 'succeeded' | 'failed' | 'cancelled';

/** What started a run: a chat turn, an agent execute, later workflows, orchestrations, swarms, goals. */
export type RunKind = 'chat' | 'agent_execute' | 'rag' | 'workflow' | 'orchestration' | 'swarm';

/** Token usage summed over a run. */
export interface RunUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * One execution with a state machine and an event log. HTTP streams only subscribe to it, so a
 * client that leaves can come back; the process running it beats `heartbeat_at`.
 */
export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<RunKind>().notNull(),
    status: text('status').$type<RunStatus>().notNull(),
    agentId: uuid('agent_id'),
    sessionId: uuid('session_id'),
    /** The run that started this one (an agent calling another agent ...), for the call chain. */
    parentRunId: uuid('parent_run_id'),
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    output: jsonb('output').$type<Record<string, unknown>>(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    usage: jsonb('usage').$type<RunUsage>(),
    /** The sequence number of the last event appended (0 before the first). */
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    index('runs_owner_created_idx').on(table.ownerId, table.createdAt),
    index('runs_session_idx').on(table.sessionId),
    index('runs_parent_idx').on(table.parentRunId),
    index('runs_active_idx')
      .on(table.heartbeatAt)
      .where(sql`${table.status} in ('pending', 'running')`),
    check(
      'runs_status_check',
      sql`${table.status} in ('pending', 'running', 'paused', 'waiting_approval', 'succeeded', 'failed', 'cancelled')`,
    ),
  ],
);

/** The append-only event log of a run; `seq` is 1, 2, 3 ... per run and is the SSE event id. */
export const runEvents = pgTable(
  'run_events',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    event: text('event').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.runId, table.seq] })],
);
