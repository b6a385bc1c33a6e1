import { and, asc, desc, eq, gt, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { chatSessions, runEvents, runs, type RunKind, type RunStatus, type RunUsage } from '../../platform/db/schema/index.js';
import { insertEvents, type CompanionWrite } from './run-clauses.repository.js';

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

/** A run that ended, as its final write stores it. */
export interface RunEnding {
  id: string;
  events: Array<Omit<RunEventRecord, 'runId'>>;
  outcome: RunOutcomeRow;
  companion?: CompanionWrite | undefined;
}

/** The event that closes a run nobody executes (its `error`). */
export interface ClosingEvent {
  event: string;
  data: Record<string, unknown>;
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
    await this.db.execute(sql`with appended as (${insertEvents(events.map((event) => ({ ...event, runId })))})
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

  /**
   * Ends several runs in one statement (group commit): each one's last events, its outcome (a run
   * no longer pending or running is left as it is) and its companion writes.
   */
  async finishMany(ended: readonly RunEnding[]): Promise<void> {
    const events = ended.flatMap(({ id, events: own }) => own.map((event) => ({ ...event, runId: id })));
    const outcomes = ended.map(({ id, outcome }) => ({
      id,
      status: outcome.status,
      at: outcome.now.toISOString(),
      output: outcome.output,
      usage: outcome.usage,
      error_code: outcome.error?.code ?? null,
      error_message: outcome.error?.message ?? null,
    }));
    const companions = ended.flatMap(({ companion }, index) => (companion ? [companion(`run${index}_`)] : []));
    await this.db.execute(sql`with appended as (${insertEvents(events)}),
      ${companions.length > 0 ? sql`${sql.join(companions, sql`, `)},` : sql``}
      outcome as (select * from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
        as o(id uuid, status text, at timestamptz, output jsonb, usage jsonb, error_code text, error_message text))
      update ${runs} set status = o.status, finished_at = o.at, heartbeat_at = o.at, output = o.output, usage = o.usage,
        error_code = o.error_code, error_message = o.error_message,
        last_seq = greatest(${runs}.last_seq, coalesce((select max(seq) from appended where appended.run_id = o.id), 0))
      from outcome o
      where ${runs}.id = o.id and ${runs}.status in ('pending', 'running')`);
  }

  /** Marks the given runs as alive. */
  async heartbeat(ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.db.update(runs).set({ heartbeatAt: now }).where(inArray(runs.id, ids));
  }

  /**
   * Ends a run nobody executes (cancelled while queued, paused or waiting; failed when its process
   * died or what it runs is gone): moves it from one of `from` to `change.status` and appends its
   * closing event, numbered after its last one, in one statement, so whoever reads it as ended
   * finds its log complete. False when it was in none of `from` (nothing changed).
   */
  async close(
    id: string,
    change: { status: RunStatus; now: Date; error: { code: string; message: string } },
    closing: ClosingEvent,
    from: readonly RunStatus[] = activeStatuses,
  ): Promise<boolean> {
    const now = change.now.toISOString();
    const statuses = sql.join(from.map((status) => sql`${status}`), sql`, `);
    const result = (await this.db.execute(sql`with closed as (
        update ${runs} set status = ${change.status}, heartbeat_at = ${now}::timestamptz, finished_at = ${now}::timestamptz,
          error_code = ${change.error.code}, error_message = ${change.error.message}, last_seq = last_seq + 1
        where id = ${id} and status in (${statuses}) returning id, last_seq)
      ${insertClosingEvents(closing, now)} returning seq`)) as unknown as { rows: unknown[] };
    return result.rows.length > 0;
  }

  /**
   * Closes runs whose process stopped beating before `staleBefore` as failed (`interrupted`), each
   * with its closing event (`closing`), and frees the chat sessions they held, all in one
   * statement: whoever reads a run as failed finds its session free. Resolves to the runs it closed.
   */
  async closeInterrupted(
    staleBefore: Date,
    now: Date,
    resumableKinds: readonly RunKind[],
    closing: ClosingEvent,
  ): Promise<Array<{ id: string }>> {
    const conditions = [inArray(runs.status, activeStatuses), lt(runs.heartbeatAt, staleBefore)];
    if (resumableKinds.length > 0) conditions.push(notInArray(runs.kind, [...resumableKinds]));
    const at = now.toISOString();
    const result = (await this.db.execute(sql`with closed as (
        update ${runs} set status = 'failed', error_code = 'RUN_INTERRUPTED', error_message = 'interrupted: the process running it stopped',
          finished_at = ${at}::timestamptz, last_seq = last_seq + 1
        where ${and(...conditions)} returning id, last_seq),
      appended as (${insertClosingEvents(closing, at)} returning run_id),
      freed as (update ${chatSessions} set active_turn_id = null, active_turn_started_at = null
        where active_turn_id in (select id from closed) returning id)
      select id from closed`)) as unknown as { rows: Array<{ id: string }> };
    return result.rows;
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
 * An INSERT of the closing event of every run in the CTE `closed (id, last_seq)`, whose last_seq
 * the same statement has moved on by one for it, so the event is numbered after the run's last.
 */
function insertClosingEvents(closing: ClosingEvent, at: string): SQL {
  return sql`insert into ${runEvents} (run_id, seq, event, data, created_at)
    select id, last_seq, ${closing.event}, ${JSON.stringify(closing.data)}::jsonb, ${at}::timestamptz from closed`;
}
