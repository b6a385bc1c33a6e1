import { and, asc, desc, eq, gt, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { chatSessions, runEvents, runs, type RunKind, type RunStatus, type RunUsage } from '../../platform/db/schema/index.js';

/** A stored run row. */
export type RunRecord = typeof runs.$inferSelect;
/** A stored event of a run. */
export type RunEventRecord = typeof runEvents.$inferSelect;
/** A run to insert. */
export type NewRun = typeof runs.$inferInsert;

/** How a run ended, as its row records it. */
export interface RunOutcomeRow {
  status: RunStatus;
  now: Date;
  output: Record<string, unknown> | null;
  usage: RunUsage | null;
  error: { code: string; message: string } | null;
}

/** The statuses a run can still leave. */
export const activeStatuses: RunStatus[] = ['pending', 'running'];

/** Statuses of a run that waits to be resumed (nobody executes it meanwhile). */
export const resumableStatuses: RunStatus[] = ['paused', 'waiting_approval'];

/** Runs and their event logs. */
export class RunsRepository {
  constructor(private readonly db: Database) {}

  async insert(run: NewRun): Promise<RunRecord> {
    const rows = await this.db.insert(runs).values(run).returning();
    return rows[0]!;
  }

  async findById(ownerId: string, id: string): Promise<RunRecord | null> {
    const rows = await this.db
      .select()
      .from(runs)
      .where(and(eq(runs.ownerId, ownerId), eq(runs.id, id)))
      .limit(1);
    return rows[0] ?? null;
  }

  /** The owner's runs, newest first. */
  async listByOwner(
    ownerId: string,
    filter: { kind?: RunKind | undefined; status?: RunStatus | undefined; agentId?: string | undefined; sessionId?: string | undefined },
    page: { offset: number; limit: number },
  ): Promise<{ rows: RunRecord[]; total: number }> {
    const conditions: SQL[] = [eq(runs.ownerId, ownerId)];
    if (filter.kind) conditions.push(eq(runs.kind, filter.kind));
    if (filter.status) conditions.push(eq(runs.status, filter.status));
    if (filter.agentId) conditions.push(eq(runs.agentId, filter.agentId));
    if (filter.sessionId) conditions.push(eq(runs.sessionId, filter.sessionId));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(runs).where(where).orderBy(desc(runs.createdAt), desc(runs.id)).offset(page.offset).limit(page.limit),
      this.db.$count(runs, where),
    ]);
    return { rows, total };
  }

  /** How many ancestors a run has, following parent_run_id (at most 32 are counted). */
  async depth(id: string): Promise<number> {
    // Both drivers (PGlite and node-postgres) answer raw queries with { rows }.
    const result = (await this.db.execute(sql`with recursive chain(id, parent, depth) as (
        select id, parent_run_id, 0 from ${runs} where id = ${id}
        union all
        select r.id, r.parent_run_id, chain.depth + 1 from ${runs} r join chain on r.id = chain.parent where chain.depth < 32)
      select max(depth)::int as depth from chain`)) as unknown as { rows: Array<{ depth: number | null }> };
    return Number(result.rows[0]?.depth ?? 0);
  }

  /** A run whoever owns it: for the process that executes it, never for answering a caller. */
  async findAnyById(id: string): Promise<RunRecord | null> {
    const rows = await this.db.select().from(runs).where(eq(runs.id, id)).limit(1);
    return rows[0] ?? null;
  }

  /** Appends events (already numbered) and moves `last_seq` forward, in one statement. */
  async appendEvents(runId: string, events: Array<Omit<RunEventRecord, 'runId'>>): Promise<void> {
    if (events.length === 0) return;
    const lastSeq = events[events.length - 1]!.seq;
    await this.db.execute(sql`with appended as (${insertEvents(runId, events)})
      update ${runs} set last_seq = greatest(last_seq, ${lastSeq}) where id = ${runId}`);
  }

  /** Events after `afterSeq`, oldest first. */
  async eventsAfter(runId: string, afterSeq: number, limit = 1000): Promise<RunEventRecord[]> {
    return this.db
      .select()
      .from(runEvents)
      .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
      .orderBy(asc(runEvents.seq))
      .limit(limit);
  }

  /** Stores a run that was kept in memory until it ended: the row, its events and its outcome, in one statement. */
  async insertFinished(run: NewRun, events: Array<Omit<RunEventRecord, 'runId'>>, outcome: RunOutcomeRow): Promise<void> {
    await this.db.transaction(async (transaction) => {
      await transaction.insert(runs).values({
        ...run,
        status: outcome.status,
        finishedAt: outcome.now,
        heartbeatAt: outcome.now,
        output: outcome.output,
        usage: outcome.usage,
        errorCode: outcome.error?.code ?? null,
        errorMessage: outcome.error?.message ?? null,
        lastSeq: events.at(-1)?.seq ?? 0,
      });
      if (events.length > 0) await transaction.insert(runEvents).values(events.map((event) => ({ runId: run.id, ...event })));
    });
  }

  /** Appends the last events and records how the run ended, in one statement. */
  async finish(
    id: string,
    events: Array<Omit<RunEventRecord, 'runId'>>,
    outcome: RunOutcomeRow,
  ): Promise<void> {
    const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
    await this.db.execute(sql`with appended as (${insertEvents(id, events)})
      update ${runs} set
        status = ${outcome.status}, finished_at = ${outcome.now.toISOString()}::timestamptz,
        heartbeat_at = ${outcome.now.toISOString()}::timestamptz,
        output = ${json(outcome.output)}::jsonb, usage = ${json(outcome.usage)}::jsonb,
        error_code = ${outcome.error?.code ?? null}, error_message = ${outcome.error?.message ?? null},
        last_seq = greatest(last_seq, coalesce((select max(seq) from appended), 0))
      where id = ${id} and status in ('pending', 'running')`);
  }

  /** Sets the status of a run that has not finished; false if it had finished already. */
  async transition(
    id: string,
    change: {
      status: RunStatus;
      now: Date;
      output?: Record<string, unknown> | null;
      usage?: RunUsage | null;
      error?: { code: string; message: string } | null;
    },
    from: readonly RunStatus[] = activeStatuses,
  ): Promise<boolean> {
    const finished = !activeStatuses.includes(change.status);
    const rows = await this.db
      .update(runs)
      .set({
        status: change.status,
        heartbeatAt: change.now,
        ...(change.status === 'running' ? { startedAt: change.now } : {}),
        ...(finished ? { finishedAt: change.now } : {}),
        ...(change.output !== undefined ? { output: change.output } : {}),
        ...(change.usage !== undefined ? { usage: change.usage } : {}),
        ...(change.error ? { errorCode: change.error.code, errorMessage: change.error.message } : {}),
      })
      .where(and(eq(runs.id, id), inArray(runs.status, [...from])))
      .returning({ id: runs.id });
    return rows.length > 0;
  }

  /** Marks the given runs as alive. */
  async heartbeat(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.update(runs).set({ heartbeatAt: now }).where(inArray(runs.id, ids));
  }

  /**
   * Closes runs whose process stopped beating before `staleBefore` as failed (`interrupted`) and
   * frees the chat sessions they held. Resolves to the runs it closed.
   */
  async closeInterrupted(
    staleBefore: Date,
    now: Date,
    resumableKinds: readonly RunKind[] = [],
  ): Promise<Array<{ id: string; lastSeq: number }>> {
    const conditions = [inArray(runs.status, activeStatuses), lt(runs.heartbeatAt, staleBefore)];
    if (resumableKinds.length > 0) conditions.push(notInArray(runs.kind, [...resumableKinds]));
    const closed = await this.db
      .update(runs)
      .set({
        status: 'failed',
        errorCode: 'RUN_INTERRUPTED',
        errorMessage: 'interrupted: the process running it stopped',
        finishedAt: now,
      })
      .where(and(...conditions))
      .returning({ id: runs.id, lastSeq: runs.lastSeq });
    if (closed.length > 0) {
      const ids = closed.map((run) => run.id);
      await this.db
        .update(chatSessions)
        .set({ activeTurnId: null, activeTurnStartedAt: null })
        .where(inArray(chatSessions.activeTurnId, ids));
    }
    return closed;
  }

  /**
   * Takes over runs of the given kinds whose process stopped beating: each is claimed by moving
   * its heartbeat to now, in one statement, so of several instances only one resumes a run.
   */
  async claimStale(kinds: readonly RunKind[], staleBefore: Date, now: Date): Promise<RunRecord[]> {
    if (kinds.length === 0) return [];
    return this.db
      .update(runs)
      .set({ heartbeatAt: now })
      .where(and(inArray(runs.status, activeStatuses), lt(runs.heartbeatAt, staleBefore), inArray(runs.kind, [...kinds])))
      .returning();
  }

  /** Puts a queued, paused or waiting run (to) running; null when it is in none of `from`. */
  async reopen(id: string, from: readonly RunStatus[], now: Date): Promise<RunRecord | null> {
    const rows = await this.db
      .update(runs)
      .set({ status: 'running', heartbeatAt: now, finishedAt: null, startedAt: sql`coalesce(${runs.startedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(runs.id, id), inArray(runs.status, [...from])))
      .returning();
    return rows[0] ?? null;
  }

  /** Every event of a run, in order. */
  async allEvents(runId: string): Promise<RunEventRecord[]> {
    return this.db.select().from(runEvents).where(eq(runEvents.runId, runId)).orderBy(asc(runEvents.seq));
  }
}

/**
 * WITH clauses that append a run's events (at least one) and move its last_seq, to put before
 * another write of the same run (a workflow step) so both go in one statement: one commit, and
 * never one without the other. PostgreSQL runs data-modifying CTEs whether or not anything reads them.
 */
export function appendEventsClauses(runId: string, events: Array<Omit<RunEventRecord, 'runId'>>): SQL {
  const lastSeq = Math.max(...events.map((event) => event.seq));
  return sql`appended as (${insertEvents(runId, events)}),
    sequenced as (update ${runs} set last_seq = greatest(last_seq, ${lastSeq}) where id = ${runId} returning id)`;
}

/**
 * An INSERT of a run's events, all rows passed as one JSON parameter (one statement however many
 * there are), returning their sequence numbers; used as a CTE beside the update of the run.
 */
function insertEvents(runId: string, events: Array<Omit<RunEventRecord, 'runId'>>) {
  const rows = events.map((event) => ({
    run_id: runId,
    seq: event.seq,
    event: event.event,
    data: event.data,
    created_at: event.createdAt.toISOString(),
  }));
  return sql`insert into ${runEvents} (run_id, seq, event, data, created_at)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as e(run_id uuid, seq int, event text, data jsonb, created_at timestamptz)
    returning seq`;
}
