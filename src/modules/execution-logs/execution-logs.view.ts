import type { z } from 'zod';
import type { ModelCallRow, ToolCallRow } from './execution-calls.repository.js';
import type { EventRow, ExecutionRecord, RunRow, StepRow } from './execution-logs.repository.js';
import type {
  childRunSchema,
  executionSummarySchema,
  LogLevel,
  logLineSchema,
  modelCallSchema,
  nodeSummarySchema,
  toolCallSchema,
} from './execution-logs.schemas.js';

export type ExecutionSummaryView = z.infer<typeof executionSummarySchema>;
export type LogLineView = z.infer<typeof logLineSchema>;
export type NodeSummaryView = z.infer<typeof nodeSummarySchema>;
export type ModelCallView = z.infer<typeof modelCallSchema>;
export type ToolCallView = z.infer<typeof toolCallSchema>;
export type ChildRunView = z.infer<typeof childRunSchema>;

/** Milliseconds between two instants; null while the second is unknown. */
export function millisecondsBetween(from: Date | null, to: Date | null): number | null {
  return from && to ? Math.max(0, to.getTime() - from.getTime()) : null;
}

/** How long a run took, from its start (or creation) to its end; null until it ends. */
export const runDuration = (run: RunRow) => millisecondsBetween(run.startedAt ?? run.createdAt, run.finishedAt);
/** A run's error in the API's shape. */
export const runError = (run: RunRow) => (run.errorCode ? { code: run.errorCode, message: run.errorMessage ?? '' } : null);

/** A run as one line of the execution list. */
export function toSummaryView(record: ExecutionRecord): ExecutionSummaryView {
  const { run, workflow } = record;
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    workflow_id: workflow?.id ?? null,
    workflow_version: workflow?.version ?? null,
    trigger: workflow?.trigger ?? null,
    agent_id: run.agentId,
    parent_run_id: run.parentRunId,
    error: runError(run),
    token_usage: run.usage ?? null,
    node_count: record.nodeCount,
    failed_node_count: record.failedNodeCount,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: runDuration(run),
  };
}

/** A run as a nested run of a node or a chain. */
export function toChildRunView(record: ExecutionRecord): ChildRunView {
  const { run } = record;
  return {
    run_id: run.id,
    kind: run.kind,
    status: run.status,
    agent_id: run.agentId,
    workflow_id: record.workflow?.id ?? null,
    duration_ms: runDuration(run),
    error: runError(run),
    token_usage: run.usage ?? null,
  };
}

/** A stored step, or a node that started and has no step yet (`running`). */
export function toNodeSummaryView(step: StepRow): NodeSummaryView {
  return {
    node_id: step.nodeId,
    node_type: step.nodeType,
    status: step.status,
    attempts: step.attempts,
    started_at: step.startedAt.toISOString(),
    finished_at: step.finishedAt.toISOString(),
    duration_ms: millisecondsBetween(step.startedAt, step.finishedAt),
    error: step.error ?? null,
    token_usage: step.usage ?? null,
  };
}

/** A node that has a `node_started` event but no step: running, or `unfinished` in a run that has ended. */
export function startedNodeView(event: EventRow, runActive: boolean): NodeSummaryView {
  return {
    node_id: String(event.data.node_id),
    node_type: String(event.data.node_type ?? ''),
    status: runActive ? 'running' : 'unfinished',
    attempts: 0,
    started_at: event.createdAt.toISOString(),
    finished_at: null,
    duration_ms: null,
    error: null,
    token_usage: null,
  };
}

const levels: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

/** True when a line of `level` is shown at the lowest level `minimum`. */
export function atLeast(level: LogLevel, minimum: LogLevel): boolean {
  return levels[level] >= levels[minimum];
}

type EventData = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const errorText = (error: unknown) => {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return `${text(code)}: ${text(message)}`;
};

/** The level and message of one event, as a person reads a log. */
function describeEvent(event: string, data: EventData): { level: LogLevel; message: string } {
  const node = `node ${text(data.node_id)} (${text(data.node_type)})`;
  switch (event) {
    case 'workflow_started':
      return { level: 'info', message: 'execution started' };
    case 'node_started':
      return { level: 'info', message: `${node} started` };
    case 'node_finished': {
      const ended = `${node} ${text(data.status)} in ${text(data.duration_ms)} ms after ${text(data.attempts)} attempt(s)`;
      if (data.status === 'failed') return { level: 'error', message: `${ended}: ${errorText(data.error)}` };
      return data.error ? { level: 'warn', message: `${ended}, continuing past ${errorText(data.error)}` } : { level: 'info', message: ended };
    }
    case 'tool_call':
      return { level: 'info', message: `tool ${text(data.name)} called` };
    case 'tool_result':
      return { level: data.is_error ? 'warn' : 'info', message: `tool ${text(data.name)} ${data.is_error ? 'failed' : 'answered'}` };
    case 'waiting':
      return { level: 'warn', message: `waiting for a decision at node ${text(data.node_id)}` };
    case 'paused':
      return { level: 'warn', message: 'paused' };
    case 'done':
      return { level: 'info', message: `finished${data.status ? `: ${text(data.status)}` : ''}` };
    case 'error':
      return { level: 'error', message: `${text(data.error)}: ${text(data.message)}` };
    default:
      return { level: 'info', message: data.node_id ? `${event} at node ${text(data.node_id)}` : event };
  }
}

/** One stored event as a log line. */
export function toLogLine(event: EventRow): LogLineView {
  const described = describeEvent(event.event, event.data);
  return {
    seq: event.seq,
    at: event.createdAt.toISOString(),
    level: described.level,
    event: event.event,
    node_id: typeof event.data.node_id === 'string' ? event.data.node_id : null,
    message: described.message,
    data: event.data,
  };
}

/** A model call record, with the node that made it and how deep its run sits in the chain. */
export function toModelCallView(row: ModelCallRow, placement: { nodeId: string | null; depth: number }): ModelCallView {
  return {
    id: row.id,
    run_id: row.runId!,
    node_id: placement.nodeId,
    depth: placement.depth,
    provider: row.provider,
    model: row.model,
    operation: row.operation,
    status: row.status,
    attempt: row.attempt,
    is_fallback: row.isFallback,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    total_tokens: row.totalTokens,
    latency_ms: row.latencyMs,
    time_to_first_token_ms: row.timeToFirstTokenMs,
    error: row.error,
    created_at: row.createdAt.toISOString(),
  };
}

/** A tool call record, with the node that made it and how deep its run sits in the chain. */
export function toToolCallView(row: ToolCallRow, placement: { nodeId: string | null; depth: number }): ToolCallView {
  return {
    id: row.id,
    run_id: row.runId!,
    node_id: placement.nodeId,
    depth: placement.depth,
    tool_name: row.toolName,
    custom_tool_id: row.customToolId,
    agent_id: row.agentId,
    status: row.status,
    error: row.error,
    duration_ms: row.durationMs,
    created_at: row.createdAt.toISOString(),
  };
}
