import { sql } from 'drizzle-orm';
import { llmCalls, toolCalls } from '../../platform/db/schema/index.js';

// Select columns shared by the repositories that total call records (this file has no table of its own).

/** The totals of a set of model calls, as select columns (every figure cast, so both drivers answer alike). */
export const modelCallTotalColumns = {
  count: sql<number>`count(*)::int`,
  failed: sql<number>`(count(*) filter (where ${llmCalls.status} <> 'succeeded'))::int`,
  tokens: sql<number>`coalesce(sum(${llmCalls.totalTokens}), 0)::float8`,
  latency: sql<number>`coalesce(sum(${llmCalls.latencyMs}), 0)::float8`,
};

/** The totals of a set of tool calls, as select columns. */
export const toolCallTotalColumns = {
  count: sql<number>`count(*)::int`,
  failed: sql<number>`(count(*) filter (where ${toolCalls.status} <> 'succeeded'))::int`,
  duration: sql<number>`coalesce(sum(${toolCalls.durationMs}), 0)::float8`,
};
