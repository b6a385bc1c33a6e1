import { and, asc, between, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import { modelCallTotalColumns, toolCallTotalColumns } from './call-totals.repository.js';
import { llmCalls, toolCalls } from '../../platform/db/schema/index.js';

export type ModelCallRow = typeof llmCalls.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;

/** Filters of a call list; `runIds` is the chain of runs the calls must belong to. */
export interface CallFilter {
  runIds: string[];
  status?: string | undefined;
  /** The model name (model calls) or the tool name (tool calls). */
  name?: string | undefined;
  /** Only calls made in this window (a node's start and end). */
  window?: { from: Date; to: Date } | undefined;
}

type Page = { offset: number; limit: number };

/** Call counts, failures and sums (tokens, milliseconds) of a set of runs. */
export interface CallTotals {
  model: { count: number; failed: number; tokens: number; latency: number };
  tool: { count: number; failed: number; duration: number };
}

/** The model (llm_calls) and tool (tool_calls) call records of chains of runs. */
export class ExecutionCallsRepository {
  constructor(private readonly db: Database) {}

  /** Model calls of the runs, oldest first, one page. */
  async modelCalls(filter: CallFilter, page: Page): Promise<{ rows: ModelCallRow[]; total: number }> {
    if (filter.runIds.length === 0) return { rows: [], total: 0 };
    const conditions: SQL[] = [inArray(llmCalls.runId, filter.runIds)];
    if (filter.status) conditions.push(sql`${llmCalls.status} = ${filter.status}`);
    if (filter.name) conditions.push(eq(llmCalls.model, filter.name));
    if (filter.window) conditions.push(between(llmCalls.createdAt, filter.window.from, filter.window.to));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(llmCalls).where(where).orderBy(asc(llmCalls.createdAt), asc(llmCalls.id)).offset(page.offset).limit(page.limit),
      this.db.$count(llmCalls, where),
    ]);
    return { rows, total };
  }

  /** Tool calls of the runs, oldest first, one page. */
  async toolCalls(filter: CallFilter, page: Page): Promise<{ rows: ToolCallRow[]; total: number }> {
    if (filter.runIds.length === 0) return { rows: [], total: 0 };
    const conditions: SQL[] = [inArray(toolCalls.runId, filter.runIds)];
    if (filter.status) conditions.push(sql`${toolCalls.status} = ${filter.status}`);
    if (filter.name) conditions.push(eq(toolCalls.toolName, filter.name));
    if (filter.window) conditions.push(between(toolCalls.createdAt, filter.window.from, filter.window.to));
    const where = and(...conditions);
    const [rows, total] = await Promise.all([
      this.db.select().from(toolCalls).where(where).orderBy(asc(toolCalls.createdAt), asc(toolCalls.id)).offset(page.offset).limit(page.limit),
      this.db.$count(toolCalls, where),
    ]);
    return { rows, total };
  }

  /** Counts, failures, tokens and time of the model calls and tool calls of the runs. */
  async totals(runIds: string[]): Promise<CallTotals> {
    if (runIds.length === 0) return { model: { count: 0, failed: 0, tokens: 0, latency: 0 }, tool: { count: 0, failed: 0, duration: 0 } };
    const [model, tool] = await Promise.all([
      this.db
        .select(modelCallTotalColumns)
        .from(llmCalls)
        .where(inArray(llmCalls.runId, runIds)),
      this.db
        .select(toolCallTotalColumns)
        .from(toolCalls)
        .where(inArray(toolCalls.runId, runIds)),
    ]);
    const numbers = <Row extends Record<string, unknown>>(row: Row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as { [Key in keyof Row]: number };
    return { model: numbers(model[0]!), tool: numbers(tool[0]!) };
  }
}
