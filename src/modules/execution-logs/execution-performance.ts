import { topologicalOrder, type GraphEdge } from '../../engine/workflow/graph.js';
import type { TokenUsage } from '../../platform/llm/llm-call.js';
import type { PerformanceView } from './execution-analysis.schemas.js';

/** A finished step as the analysis reads it. */
export interface TimedStep {
  nodeId: string;
  nodeType: string;
  status: string;
  startedAt: Date;
  finishedAt: Date;
  usage: TokenUsage | null;
}

/** The node-level part of the performance report (the run and call totals are added by the service). */
export type NodePerformance = Pick<
  PerformanceView,
  'node_time_ms' | 'node_span_ms' | 'parallelism' | 'critical_path' | 'slowest_nodes' | 'by_node_type' | 'tokens_by_node'
>;

const durationOf = (step: TimedStep) => Math.max(0, step.finishedAt.getTime() - step.startedAt.getTime());
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The chain of dependent nodes with the largest summed duration (what the execution could not
 * have gone faster than). Steps: keep the edges between nodes that ran; order the nodes so every
 * edge points forward (start order when the edges form a cycle); give each node its duration plus
 * the best total among its predecessors; walk back from the node with the best total.
 */
export function criticalPath(steps: readonly TimedStep[], edges: readonly GraphEdge[]): { node_ids: string[]; duration_ms: number } | null {
  if (steps.length === 0) return null;
  const byId = new Map(steps.map((step) => [step.nodeId, step]));
  const ran = edges.filter((edge) => byId.has(edge.source) && byId.has(edge.target));
  const nodes = steps.map((step) => ({ id: step.nodeId, type: step.nodeType }));
  const order = topologicalOrder(nodes, ran) ?? nodes.map((node) => node.id);
  const predecessors = new Map<string, string[]>();
  for (const edge of ran) predecessors.set(edge.target, [...(predecessors.get(edge.target) ?? []), edge.source]);
  const best = new Map<string, { total: number; previous: string | null }>();
  for (const id of order) {
    let previous: string | null = null;
    let before = 0;
    // Only predecessors already visited count, which also breaks a cycle in the start-order fallback.
    for (const source of predecessors.get(id) ?? []) {
      const reached = best.get(source);
      if (reached && (previous === null || reached.total > before)) {
        before = reached.total;
        previous = source;
      }
    }
    best.set(id, { total: before + durationOf(byId.get(id)!), previous });
  }
  let end = order[0]!;
  // On a tie the later node wins, so the path runs through to the end of the chain.
  for (const id of order) if (best.get(id)!.total >= best.get(end)!.total) end = id;
  const path: string[] = [];
  for (let id: string | null = end; id !== null; id = best.get(id)!.previous) path.unshift(id);
  return { node_ids: path, duration_ms: best.get(end)!.total };
}

/** Time per node type, longest total first. */
function byNodeType(steps: readonly TimedStep[], nodeTime: number): NodePerformance['by_node_type'] {
  const groups = new Map<string, { count: number; failed: number; total: number; max: number }>();
  for (const step of steps) {
    const group = groups.get(step.nodeType) ?? { count: 0, failed: 0, total: 0, max: 0 };
    const duration = durationOf(step);
    groups.set(step.nodeType, {
      count: group.count + 1,
      failed: group.failed + (step.status === 'failed' ? 1 : 0),
      total: group.total + duration,
      max: Math.max(group.max, duration),
    });
  }
  return [...groups]
    .map(([nodeType, group]) => ({
      node_type: nodeType,
      count: group.count,
      failed: group.failed,
      total_ms: group.total,
      avg_ms: round(group.total / group.count, 1),
      max_ms: group.max,
      share: nodeTime > 0 ? round(group.total / nodeTime) : 0,
    }))
    .sort((left, right) => right.total_ms - left.total_ms || left.node_type.localeCompare(right.node_type));
}

/**
 * Where the time of an execution went: the slowest `top` nodes, time per node type, the summed
 * node time against the span the nodes covered (parallelism), the critical path, tokens per node.
 */
export function analyseNodes(steps: readonly TimedStep[], edges: readonly GraphEdge[], top: number): NodePerformance {
  const nodeTime = steps.reduce((sum, step) => sum + durationOf(step), 0);
  const first = Math.min(...steps.map((step) => step.startedAt.getTime()));
  const last = Math.max(...steps.map((step) => step.finishedAt.getTime()));
  const span = steps.length > 0 ? last - first : 0;
  const slowest = [...steps].sort((left, right) => durationOf(right) - durationOf(left) || left.startedAt.getTime() - right.startedAt.getTime());
  return {
    node_time_ms: nodeTime,
    node_span_ms: span,
    parallelism: span > 0 ? round(nodeTime / span, 2) : null,
    critical_path: criticalPath(steps, edges),
    slowest_nodes: slowest.slice(0, top).map((step) => ({
      node_id: step.nodeId,
      node_type: step.nodeType,
      status: step.status,
      duration_ms: durationOf(step),
      share: nodeTime > 0 ? round(durationOf(step) / nodeTime) : 0,
      token_usage: step.usage,
    })),
    by_node_type: byNodeType(steps, nodeTime),
    tokens_by_node: steps
      .filter((step) => step.usage && step.usage.total_tokens > 0)
      .map((step) => ({ node_id: step.nodeId, node_type: step.nodeType, ...step.usage! }))
      .sort((left, right) => right.total_tokens - left.total_tokens || left.node_id.localeCompare(right.node_id)),
  };
}
