import type { ModelCallTotals, StatsView, ToolCallTotals } from './execution-analysis.schemas.js';
import type { CallTotals } from './execution-calls.repository.js';
import type { ExecutionAggregates } from './execution-stats.repository.js';

const oneDecimal = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10);
const perCall = (total: number, count: number) => (count > 0 ? oneDecimal(total / count) : null);

function countBy(counts: ExecutionAggregates['counts'], key: 'kind' | 'status'): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const row of counts) totals[row[key]] = (totals[row[key]] ?? 0) + row.count;
  return totals;
}

/** Model and tool call totals in the API's shape. */
export function toCallTotalsView(totals: CallTotals): { model: ModelCallTotals; tool: ToolCallTotals } {
  const { model, tool } = totals;
  return {
    model: {
      count: model.count,
      failed: model.failed,
      total_tokens: model.tokens,
      total_latency_ms: model.latency,
      avg_latency_ms: perCall(model.latency, model.count),
    },
    tool: { count: tool.count, failed: tool.failed, total_duration_ms: tool.duration, avg_duration_ms: perCall(tool.duration, tool.count) },
  };
}

/** The aggregates of a set of executions in the API's shape (times in ms, one decimal). */
export function toStatsView(aggregates: ExecutionAggregates, range: { from: Date | null; to: Date | null }): StatsView {
  const { durations, tokens, modelCalls, toolCalls } = aggregates;
  const calls = toCallTotalsView({ model: modelCalls, tool: toolCalls });
  return {
    from: range.from?.toISOString() ?? null,
    to: range.to?.toISOString() ?? null,
    total: aggregates.counts.reduce((sum, row) => sum + row.count, 0),
    by_status: countBy(aggregates.counts, 'status'),
    by_kind: countBy(aggregates.counts, 'kind'),
    duration_ms: { avg: oneDecimal(durations.avg), p50: oneDecimal(durations.p50), p95: oneDecimal(durations.p95), max: oneDecimal(durations.max) },
    token_usage: { prompt_tokens: tokens.prompt, completion_tokens: tokens.completion, total_tokens: tokens.total },
    model_calls: { ...calls.model, p95_latency_ms: oneDecimal(modelCalls.p95Latency) },
    tool_calls: calls.tool,
    node_types: aggregates.nodeTypes.map((row) => ({
      node_type: row.nodeType,
      count: row.count,
      failed: row.failed,
      avg_ms: oneDecimal(row.avg)!,
      p95_ms: oneDecimal(row.p95)!,
      max_ms: Math.round(row.max),
    })),
  };
}
