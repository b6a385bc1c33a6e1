/**
 * The graphs and the node type of bench:workflow. Every graph is a valid workflow (one start node,
 * an end node reachable from it) so the same graph runs in memory and through the executions
 * service. The work nodes are `bench_noop`: a node type that returns an empty output at once, so
 * what is measured is the engine around it, not a node's own work. It has no effect, so it is
 * declared pure like the built-in template or condition nodes; `bench_effect` is the same node
 * declared with effects (like an llm, http or code node), to measure what that costs durably.
 */
import { z } from 'zod';
import type { WorkflowGraph, WorkflowNode } from '../src/engine/workflow/definition.js';
import { NodeTypeRegistry, type NodeType } from '../src/engine/workflow/node-type.js';
import { endNode } from '../src/engine/workflow/nodes/end.node.js';
import { startNode } from '../src/engine/workflow/nodes/start.node.js';

/** The bench's node type: no config, no work, an empty output (pure: nobody can see it run). */
export const noopNode: NodeType<Record<string, never>> = {
  type: 'bench_noop',
  description: 'bench: does nothing and returns an empty output',
  configSchema: z.object({}).strict(),
  pure: true,
  async run() {
    return { kind: 'done', output: {} };
  },
};

/** The no-op declared as a node with effects: each one's step is stored before the next starts. */
export const effectNode: NodeType<Record<string, never>> = { ...noopNode, type: 'bench_effect', description: 'bench: a no-op treated as a node with effects', pure: false };

/** The work nodes of a graph: pure no-ops, or no-ops treated as nodes with effects. */
export type WorkKind = 'pure' | 'effects';

const workTypes: Record<WorkKind, string> = { pure: noopNode.type, effects: effectNode.type };

/** The shapes measured: a chain, and one fan-out to every work node and back (fan-in). */
export type GraphShape = 'chain' | 'wide';

/** start, end and bench_noop: the registry of the in-memory series. */
export function benchRegistry(): NodeTypeRegistry {
  return new NodeTypeRegistry().register(startNode).register(endNode).register(noopNode);
}

function workNodes(count: number, kind: WorkKind): WorkflowNode[] {
  return Array.from({ length: count }, (_, index) => ({ id: `n${index + 1}`, type: workTypes[kind], config: {} }));
}

const start: WorkflowNode = { id: 'start', type: 'start', config: { inputs: [] } };
const end: WorkflowNode = { id: 'end', type: 'end', config: { outputs: { done: true } } };

/**
 * `nodes` nodes in all (at least 3): start, nodes − 2 no-op nodes (of `kind`), end.
 *
 *   chain:  start -> n1 -> n2 -> ... -> n98 -> end
 *   wide:   start -> n1 ─┐
 *           start -> n2 ─┼-> end          (every n runs in parallel, end waits for all)
 *           start -> ... ┘
 */
export function benchGraph(shape: GraphShape, nodes: number, kind: WorkKind = 'pure'): WorkflowGraph {
  if (nodes < 3) throw new RangeError('a bench graph has at least 3 nodes');
  const work = workNodes(nodes - 2, kind);
  const ids = work.map((node) => node.id);
  const edges =
    shape === 'chain'
      ? ['start', ...ids, 'end'].slice(1).map((target, index, targets) => ({ source: index === 0 ? 'start' : targets[index - 1]!, target }))
      : ids.flatMap((id) => [
          { source: 'start', target: id },
          { source: id, target: 'end' },
        ]);
  return { nodes: [start, ...work, end], edges };
}

/** A two-node workflow (start -> end, both built-in): the smallest graph a webhook can run. */
export function twoNodeGraph(): WorkflowGraph {
  return { nodes: [start, end], edges: [{ source: 'start', target: 'end' }] };
}
