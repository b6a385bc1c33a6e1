import type { CallChainNode } from './execution-analysis.schemas.js';
import type { ModelCallRow, ToolCallRow } from './execution-calls.repository.js';
import type { ExecutionRecord } from './execution-logs.repository.js';
import { runDuration, runError, toModelCallView, toToolCallView } from './execution-logs.view.js';
import type { NodePlacer } from './node-attribution.js';

/** The flat facts a call chain is built from: the runs of the tree (root first) and their calls. */
export interface ChainFacts {
  runs: Array<{ record: ExecutionRecord; depth: number }>;
  modelCalls: ModelCallRow[];
  toolCalls: ToolCallRow[];
  placer: NodePlacer;
}

function groupBy<Item>(items: Item[], key: (item: Item) => string | null): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const value = key(item);
    if (value !== null) groups.set(value, [...(groups.get(value) ?? []), item]);
  }
  return groups;
}

/**
 * Nests the runs of a tree under the runs that started them. Each run carries its own model and
 * tool calls, each call the node of its run that made it, and each nested run the node of its
 * parent that started it (when that can be told).
 */
export function buildCallChain(facts: ChainFacts): CallChainNode {
  const { placer } = facts;
  const children = groupBy(facts.runs.slice(1), (entry) => entry.record.run.parentRunId);
  const modelCalls = groupBy(facts.modelCalls, (call) => call.runId);
  const toolCalls = groupBy(facts.toolCalls, (call) => call.runId);
  const build = (entry: { record: ExecutionRecord; depth: number }, isRoot: boolean): CallChainNode => {
    const { run, workflow } = entry.record;
    const depth = entry.depth;
    return {
      run_id: run.id,
      kind: run.kind,
      status: run.status,
      depth,
      node_id: isRoot ? null : placer.nestedRun(run),
      agent_id: run.agentId,
      workflow_id: workflow?.id ?? null,
      started_at: (run.startedAt ?? run.createdAt).toISOString(),
      finished_at: run.finishedAt?.toISOString() ?? null,
      duration_ms: runDuration(run),
      error: runError(run),
      token_usage: run.usage ?? null,
      model_calls: (modelCalls.get(run.id) ?? []).map((call) => toModelCallView(call, { nodeId: placer.modelCall(call), depth })),
      tool_calls: (toolCalls.get(run.id) ?? []).map((call) => toToolCallView(call, { nodeId: placer.toolCall(call), depth })),
      children: (children.get(run.id) ?? []).map((child) => build(child, false)),
    };
  };
  return build(facts.runs[0]!, true);
}
