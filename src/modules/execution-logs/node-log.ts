import type { z } from 'zod';
import type { ExecutionCallsRepository } from './execution-calls.repository.js';
import type { EventRow, ExecutionRecord, StepRow } from './execution-logs.repository.js';
import type { nodeLogSchema } from './execution-logs.schemas.js';
import { startedNodeView, toChildRunView, toLogLine, toModelCallView, toNodeSummaryView, toToolCallView } from './execution-logs.view.js';
import { subtreeIds, type ExecutionTree } from './execution-tree.js';

export type NodeLogView = z.infer<typeof nodeLogSchema>;

/** What one node's log is read from. */
export interface NodeLogSources {
  calls: ExecutionCallsRepository;
  record: ExecutionRecord;
  tree: ExecutionTree;
  nodeId: string;
  /** The node's events. */
  lines: EventRow[];
  /** The most calls of each kind read for each part (the node's own, its nested runs'). */
  limit: number;
}

const byTime = (left: { created_at: string }, right: { created_at: string }) => left.created_at.localeCompare(right.created_at);

/**
 * The full log of one node: its step, its events, the model and tool calls it made itself (those
 * of its run inside its time window that attribution gives to it), and the runs it started with
 * every call made below them. Null when the node never started in this execution.
 */
export async function nodeLog(sources: NodeLogSources): Promise<NodeLogView | null> {
  const { record, tree, nodeId } = sources;
  const executionId = record.run.id;
  const step = tree.steps.find((candidate) => candidate.runId === executionId && candidate.nodeId === nodeId);
  const lines = sources.lines.map(toLogLine);
  if (!step) {
    const started = sources.lines.find((event) => event.event === 'node_started');
    if (!started) return null;
    const active = record.run.status === 'pending' || record.run.status === 'running';
    const empty = { input: null, output: null, branch: null, model_calls: [], tool_calls: [], child_runs: [] };
    return { ...startedNodeView(started, active), execution_id: executionId, ...empty, lines };
  }
  const children = tree.entries.filter((entry) => entry.depth === 1 && tree.placer.nestedRun(entry.record.run) === nodeId);
  const calls = await callsOf(sources, step, subtreeIds(tree, children.map((entry) => entry.record.run.id)));
  return {
    ...toNodeSummaryView(step),
    execution_id: executionId,
    input: step.input ?? null,
    output: step.output ?? null,
    branch: step.branch,
    lines,
    ...calls,
    child_runs: children.map((entry) => toChildRunView(entry.record)),
  };
}

/** The node's own calls (in its window, placed on it) and every call of the runs below it, oldest first. */
async function callsOf(sources: NodeLogSources, step: StepRow, nestedRunIds: string[]) {
  const { calls, tree, nodeId } = sources;
  const page = { offset: 0, limit: sources.limit };
  const own = { runIds: [step.runId], window: { from: step.startedAt, to: step.finishedAt } };
  const nested = { runIds: nestedRunIds };
  const [ownModel, ownTool, nestedModel, nestedTool] = await Promise.all([
    calls.modelCalls(own, page),
    calls.toolCalls(own, page),
    calls.modelCalls(nested, page),
    calls.toolCalls(nested, page),
  ]);
  const depth = (runId: string | null) => tree.depthOf.get(runId ?? '') ?? 0;
  const modelCalls = [...ownModel.rows.filter((row) => tree.placer.modelCall(row) === nodeId), ...nestedModel.rows];
  const toolCalls = [...ownTool.rows.filter((row) => tree.placer.toolCall(row) === nodeId), ...nestedTool.rows];
  return {
    model_calls: modelCalls.map((row) => toModelCallView(row, { nodeId: tree.placer.modelCall(row), depth: depth(row.runId) })).sort(byTime),
    tool_calls: toolCalls.map((row) => toToolCallView(row, { nodeId: tree.placer.toolCall(row), depth: depth(row.runId) })).sort(byTime),
  };
}
