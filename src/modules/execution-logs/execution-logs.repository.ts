import { and, asc, desc, eq, gte, ilike, inArray, isNull, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { containsPattern } from '../../platform/db/like.js';
import {
  runEvents,
  runs,
  workflowExecutions,
  workflowSteps,
  workflowVersions,
  type RunKind,
  type RunStatus,
  type WorkflowDefinition,
} from '../../platform/db/schema/index.js';

export type RunRow = typeof runs.$inferSelect;
export type StepRow = typeof workflowSteps.$inferSelect;
export type EventRow = typeof runEvents.$inferSelect;

/** A run, the workflow execution it is (null for other kinds), and how many of its steps ran and failed. */
export interface ExecutionRecord {
  run: RunRow;
  workflow: { id: string; version: number; trigger: string } | null;
  nodeCount: number;
  failedNodeCount: number;
}

/** What the execution search filters on; every field is optional. */
export interface ExecutionFilter {
  kind?: RunKind | undefined;
  status?: RunStatus | undefined;
  workflowId?: string | undefined;
  agentId?: string | undefined;
  nodeType?: string | undefined;
  text?: string | undefined;
  rootOnly?: boolean | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Event names left out of logs: token deltas, one per streamed piece of text. */
const tokenEvents = ['token', 'node_token'];

const stepsOfRun = sql`${workflowSteps} where ${workflowSteps.runId} = ${runs.id}`;

const selection = {
  run: runs,
  workflowId: workflowExecutions.workflowId,
  workflowVersion: workflowExecutions.workflowVersion,
  trigger: workflowExecutions.trigger,
  nodeCount: sql<number>`(select count(*)::int from ${stepsOfRun})`,
  failedNodeCount: sql<number>`(select count(*)::int from ${stepsOfRun} and ${workflowSteps.status} = 'failed')`,
};

type SelectedRow = { run: RunRow; workflowId: string | null; workflowVersion: number | null; trigger: string | null; nodeCount: number; failedNodeCount: number };

function toRecord(row: SelectedRow): ExecutionRecord {
  const workflow = row.workflowId ? { id: row.workflowId, version: row.workflowVersion ?? 0, trigger: row.trigger ?? 'api' } : null;
  return { run: row.run, workflow, nodeCount: Number(row.nodeCount), failedNodeCount: Number(row.failedNodeCount) };
}

/**
 * The owner's runs matching `filter`, as one condition on `runs` alone (workflow and step filters are
 * EXISTS subqueries), so the stats repository can aggregate over the same set.
 */
export function executionConditions(ownerId: string, filter: ExecutionFilter): SQL {
  const conditions: SQL[] = [eq(runs.ownerId, ownerId)];
  if (filter.kind) conditions.push(eq(runs.kind, filter.kind));
  if (filter.status) conditions.push(eq(runs.status, filter.status));
  if (filter.agentId) conditions.push(eq(runs.agentId, filter.agentId));
  if (filter.rootOnly) conditions.push(isNull(runs.parentRunId));
  if (filter.from) conditions.push(gte(runs.createdAt, filter.from));
  if (filter.to) conditions.push(lte(runs.createdAt, filter.to));
  if (filter.workflowId) {
    conditions.push(
      sql`exists (select 1 from ${workflowExecutions} where ${workflowExecutions.runId} = ${runs.id} and ${workflowExecutions.workflowId} = ${filter.workflowId})`,
    );
  }
  if (filter.nodeType) conditions.push(sql`exists (select 1 from ${stepsOfRun} and ${workflowSteps.nodeType} = ${filter.nodeType})`);
  if (filter.text) {
    const pattern = containsPattern(filter.text);
    const inSteps = sql`exists (select 1 from ${stepsOfRun} and (${workflowSteps.nodeId} ilike ${pattern} or ${workflowSteps.error}->>'message' ilike ${pattern}))`;
    conditions.push(or(ilike(runs.errorCode, pattern), ilike(runs.errorMessage, pattern), inSteps)!);
  }
  return and(...conditions)!;
}

/** Runs read as execution logs: search, one run with its workflow, its tree of nested runs, steps and events. */
export class ExecutionLogsRepository {
  constructor(private readonly db: Database) {}

  /** The owner's runs matching `filter`, newest first. */
  async search(ownerId: string, filter: ExecutionFilter, page: { offset: number; limit: number }): Promise<{ rows: ExecutionRecord[]; total: number }> {
    const where = executionConditions(ownerId, filter);
    const [rows, total] = await Promise.all([
      this.selectRecords(where).orderBy(desc(runs.createdAt), desc(runs.id)).offset(page.offset).limit(page.limit),
      this.db.$count(runs, where),
    ]);
    return { rows: rows.map(toRecord), total };
  }

  /** The owner's run (null for anyone else's). */
  async find(ownerId: string, runId: string): Promise<ExecutionRecord | null> {
    const rows = await this.selectRecords(and(eq(runs.ownerId, ownerId), eq(runs.id, runId))).limit(1);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The owner's runs among `runIds`, oldest first. */
  async findMany(ownerId: string, runIds: string[]): Promise<ExecutionRecord[]> {
    if (runIds.length === 0) return [];
    const rows = await this.selectRecords(and(eq(runs.ownerId, ownerId), inArray(runs.id, runIds))).orderBy(asc(runs.createdAt), asc(runs.id));
    return rows.map(toRecord);
  }

  /**
   * The run and the runs it started, breadth first, following parent_run_id down at most
   * `maxDepth` levels and returning at most `limit` runs (a recursive CTE, on PGlite and PostgreSQL).
   */
  async tree(ownerId: string, rootId: string, options: { maxDepth: number; limit: number }): Promise<Array<{ id: string; depth: number }>> {
    // Both drivers (PGlite and node-postgres) answer raw queries with { rows }.
    const result = (await this.db.execute(sql`with recursive tree(id, depth) as (
        select ${runs.id}, 0 from ${runs} where ${runs.id} = ${rootId} and ${runs.ownerId} = ${ownerId}
        union all
        select child.id, tree.depth + 1 from ${runs} child join tree on child.parent_run_id = tree.id
        where child.owner_id = ${ownerId} and tree.depth < ${options.maxDepth})
      select id, depth from tree limit ${options.limit}`)) as unknown as { rows: Array<{ id: string; depth: number }> };
    return result.rows.map((row) => ({ id: row.id, depth: Number(row.depth) }));
  }

  /** How many runs have one of `runIds` as their parent. */
  async countChildren(runIds: string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    return this.db.$count(runs, inArray(runs.parentRunId, runIds));
  }

  /** The steps of the given runs, in start order. */
  async steps(runIds: string[]): Promise<StepRow[]> {
    if (runIds.length === 0) return [];
    return this.db
      .select()
      .from(workflowSteps)
      .where(inArray(workflowSteps.runId, runIds))
      .orderBy(asc(workflowSteps.startedAt), asc(workflowSteps.nodeId));
  }

  /** A run's events without token deltas, oldest first; with `nodeId`, only that node's. */
  async events(runId: string, options: { nodeId?: string; limit: number }): Promise<EventRow[]> {
    const conditions = [eq(runEvents.runId, runId), notInArray(runEvents.event, tokenEvents)];
    if (options.nodeId) conditions.push(sql`${runEvents.data}->>'node_id' = ${options.nodeId}`);
    return this.db
      .select()
      .from(runEvents)
      .where(and(...conditions))
      .orderBy(asc(runEvents.seq))
      .limit(options.limit);
  }

  /** The graph of the workflow version an execution ran. */
  async graph(workflowId: string, version: number): Promise<WorkflowDefinition['graph'] | null> {
    const rows = await this.db
      .select({ definition: workflowVersions.definition })
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
    return rows[0]?.definition.graph ?? null;
  }

  private selectRecords(where: SQL | undefined) {
    return this.db.select(selection).from(runs).leftJoin(workflowExecutions, eq(workflowExecutions.runId, runs.id)).where(where);
  }
}
