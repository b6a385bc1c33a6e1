import { sql, type SQL } from 'drizzle-orm';
import { runEvents, runs, type RunStatus } from '../../platform/db/schema/index.js';
import type { NewRun, RunEventRecord, RunRecord } from './runs.repository.js';

/**
 * Pieces of SQL about runs that another repository puts into its own statement (a workflow's
 * steps beside the run's events, its execution row beside the run row), so that both are written
 * in one statement: one commit, and never one without the other. Every piece passes its rows as
 * one JSON parameter or a few plain ones: drizzle builds such a statement for a fraction of what
 * its query builder costs per column, which counts on the hot path of queued executions.
 */

/**
 * WITH clauses (`name as (...)`, comma-separated) of another table's writes, built by that
 * table's repository, to run in the same statement as a run's final write. Every clause's name
 * starts with `prefix`, so the clauses of several runs can share one statement.
 */
export type CompanionWrite = (prefix: string) => SQL;

/**
 * An INSERT of runs' events, all rows passed as one JSON parameter (one statement however many
 * there are), returning their run and sequence number; used as a CTE beside the update of the runs.
 */
export function insertEvents(events: readonly RunEventRecord[]): SQL {
  const rows = events.map((event) => ({
    run_id: event.runId,
    seq: event.seq,
    event: event.event,
    data: event.data,
    created_at: event.createdAt.toISOString(),
  }));
  return sql`insert into ${runEvents} (run_id, seq, event, data, created_at)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as e(run_id uuid, seq int, event text, data jsonb, created_at timestamptz)
    returning run_id, seq`;
}

/**
 * WITH clauses that append a run's events (at least one) and move its last_seq, to put before
 * another write of the same run (a workflow step) so both go in one statement: one commit, and
 * never one without the other. PostgreSQL runs data-modifying CTEs whether or not anything reads them.
 */
export function appendEventsClauses(runId: string, events: Array<Omit<RunEventRecord, 'runId'>>): SQL {
  const lastSeq = Math.max(...events.map((event) => event.seq));
  return sql`appended as (${insertEvents(events.map((event) => ({ ...event, runId })))}),
    sequenced as (update ${runs} set last_seq = greatest(last_seq, ${lastSeq}) where id = ${runId} returning id)`;
}

/**
 * A WITH clause `inserted_runs` that inserts new runs (one JSON parameter), for a statement that
 * inserts other rows of the runs (which may reference them: foreign keys are checked at the end
 * of the statement).
 */
export function insertRunsClause(newRuns: readonly NewRun[]): SQL {
  const iso = (at: Date | null | undefined) => (at ? at.toISOString() : null);
  const rows = newRuns.map((run) => ({
    id: run.id,
    owner_id: run.ownerId,
    kind: run.kind,
    status: run.status,
    agent_id: run.agentId ?? null,
    session_id: run.sessionId ?? null,
    parent_run_id: run.parentRunId ?? null,
    input: run.input,
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    heartbeat_at: iso(run.heartbeatAt),
  }));
  return sql`inserted_runs as (insert into ${runs} (id, owner_id, kind, status, agent_id, session_id, parent_run_id, input, created_at, started_at, heartbeat_at)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id uuid, owner_id uuid, kind text, status text, agent_id uuid, session_id uuid, parent_run_id uuid, input jsonb,
           created_at timestamptz, started_at timestamptz, heartbeat_at timestamptz)
    returning id)`;
}

/**
 * A WITH clause `reopened` that puts runs in one of `from` (to) running and returns their rows, as
 * `RunsRepository.reopen` does, for a statement that reads the caller's rows of the runs beside it.
 * `also`: a further condition on each run (`runs.id` is its id), e.g. that those rows exist.
 */
export function reopenClause(options: { ids: readonly string[]; from: readonly RunStatus[]; now: Date; also?: SQL }): SQL {
  const now = options.now.toISOString();
  const statuses = sql.join(options.from.map((status) => sql`${status}`), sql`, `);
  return sql`reopened as (update ${runs} set status = 'running', heartbeat_at = ${now}::timestamptz, finished_at = null,
      started_at = coalesce(started_at, ${now}::timestamptz)
    where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(options.ids)}::jsonb))
      and status in (${statuses})${options.also ? sql` and ${options.also}` : sql``}
    returning *)`;
}

/** A run row as `to_jsonb(run)` gives it (snake_case, times as text), as the repository's RunRecord. */
export function runFromJson(row: Record<string, unknown>): RunRecord {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    id: row.id as string,
    ownerId: row.owner_id as string,
    kind: row.kind as RunRecord['kind'],
    status: row.status as RunRecord['status'],
    agentId: (row.agent_id as string | null) ?? null,
    sessionId: (row.session_id as string | null) ?? null,
    parentRunId: (row.parent_run_id as string | null) ?? null,
    input: row.input as RunRecord['input'],
    output: (row.output as RunRecord['output']) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    usage: (row.usage as RunRecord['usage']) ?? null,
    lastSeq: Number(row.last_seq ?? 0),
    createdAt: date(row.created_at)!,
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    heartbeatAt: date(row.heartbeat_at)!,
  };
}
