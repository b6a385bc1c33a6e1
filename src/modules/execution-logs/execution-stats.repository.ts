import { inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { modelCallTotalColumns, toolCallTotalColumns } from './call-totals.repository.js';
import { llmCalls, runs, toolCalls, workflowSteps } from '../../platform/db/schema/index.js';
import { executionConditions, type ExecutionFilter } from './execution-logs.repository.js';

/** Aggregates of a set of runs, as numbers (every SQL figure is cast, so both drivers answer alike). */
export interface ExecutionAggregates {
  counts: Array<{ kind: string; status: string; count: number }>;
  durations: { avg: number | null; p50: number | null; p95: number | null; max: number | null };
  tokens: { prompt: number; completion: number; total: number };
  modelCalls: { count: number; failed: number; tokens: number; latency: number; p95Latency: number | null };
  toolCalls: { count: number; failed: number; duration: number };
  nodeTypes: Array<{ nodeType: string; count: number; failed: number; avg: number; p95: number; max: number }>;
}

const durationMs = (from: SQL, to: SQL) => sql`extract(epoch from (${to} - ${from})) * 1000`;
const runDuration = durationMs(sql`coalesce(${runs.startedAt}, ${runs.createdAt})`, sql`${runs.finishedAt}`);
const stepDuration = durationMs(sql`${workflowSteps.startedAt}`, sql`${workflowSteps.finishedAt}`);
const usageField = (field: string) => sql`coalesce(sum((${runs.usage}->>${field})::bigint), 0)::float8`;
const number = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Counts, durations (avg, p50, p95), tokens and call totals over the owner's runs that match a filter. */
export class ExecutionStatsRepository {
  constructor(private readonly db: Database) {}

  async aggregate(ownerId: string, filter: ExecutionFilter): Promise<ExecutionAggregates> {
    const where = executionConditions(ownerId, filter);
    const matching = this.db.select({ id: runs.id }).from(runs).where(where);
    const [counts, durations, calls, tools, nodeTypes] = await Promise.all([
      this.db
        .select({ kind: runs.kind, status: runs.status, count: sql<number>`count(*)::int` })
        .from(runs)
        .where(where)
        .groupBy(runs.kind, runs.status),
      this.db
        .select({
          avg: sql<number | null>`(avg(${runDuration}) filter (where ${runs.finishedAt} is not null))::float8`,
          p50: sql<number | null>`(percentile_cont(0.5) within group (order by ${runDuration}) filter (where ${runs.finishedAt} is not null))::float8`,
          p95: sql<number | null>`(percentile_cont(0.95) within group (order by ${runDuration}) filter (where ${runs.finishedAt} is not null))::float8`,
          max: sql<number | null>`(max(${runDuration}) filter (where ${runs.finishedAt} is not null))::float8`,
          prompt: usageField('prompt_tokens'),
          completion: usageField('completion_tokens'),
          total: usageField('total_tokens'),
        })
        .from(runs)
        .where(where),
      this.db
        .select({
          ...modelCallTotalColumns,
          p95Latency: sql<number | null>`(percentile_cont(0.95) within group (order by ${llmCalls.latencyMs}))::float8`,
        })
        .from(llmCalls)
        .where(inArray(llmCalls.runId, matching)),
      this.db
        .select(toolCallTotalColumns)
        .from(toolCalls)
        .where(inArray(toolCalls.runId, matching)),
      this.db
        .select({
          nodeType: workflowSteps.nodeType,
          count: sql<number>`count(*)::int`,
          failed: sql<number>`(count(*) filter (where ${workflowSteps.status} = 'failed'))::int`,
          avg: sql<number>`avg(${stepDuration})::float8`,
          p95: sql<number>`(percentile_cont(0.95) within group (order by ${stepDuration}))::float8`,
          max: sql<number>`max(${stepDuration})::float8`,
        })
        .from(workflowSteps)
        .where(inArray(workflowSteps.runId, matching))
        .groupBy(workflowSteps.nodeType)
        .orderBy(sql`avg(${stepDuration}) desc`, workflowSteps.nodeType),
    ]);
    const figures = durations[0]!;
    const model = calls[0]!;
    const tool = tools[0]!;
    return {
      counts: counts.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count) })),
      durations: { avg: number(figures.avg), p50: number(figures.p50), p95: number(figures.p95), max: number(figures.max) },
      tokens: { prompt: Number(figures.prompt), completion: Number(figures.completion), total: Number(figures.total) },
      modelCalls: {
        count: Number(model.count),
        failed: Number(model.failed),
        tokens: Number(model.tokens),
        latency: Number(model.latency),
        p95Latency: number(model.p95Latency),
      },
      toolCalls: { count: Number(tool.count), failed: Number(tool.failed), duration: Number(tool.duration) },
      nodeTypes: nodeTypes.map((row) => ({
        nodeType: row.nodeType,
        count: Number(row.count),
        failed: Number(row.failed),
        avg: Number(row.avg),
        p95: Number(row.p95),
        max: Number(row.max),
      })),
    };
  }
}
