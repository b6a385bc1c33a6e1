import { describe, expect, it } from 'vitest';
import { analyseNodes, criticalPath, type TimedStep } from './execution-performance.js';

const base = Date.parse('2026-01-01T00:00:00.000Z');

/** A step that ran from `start` to `end` milliseconds after the base instant. */
function step(nodeId: string, nodeType: string, start: number, end: number, extra: Partial<TimedStep> = {}): TimedStep {
  return { nodeId, nodeType, status: 'succeeded', startedAt: new Date(base + start), finishedAt: new Date(base + end), usage: null, ...extra };
}

const edges = (...pairs: Array<[string, string]>) => pairs.map(([source, target]) => ({ source, target }));

describe('criticalPath', () => {
  //            +-> slow (100) --+
  //   start(5) |                +-> join(10) -> end(0)
  //            +-> fast (20) ---+
  it('follows the longest dependent chain, not the last node to start', () => {
    const steps = [
      step('start', 'start', 0, 5),
      step('slow', 'llm', 5, 105),
      step('fast', 'template', 5, 25),
      step('join', 'variable_aggregator', 105, 115),
      step('end', 'end', 115, 115),
    ];
    const graph = edges(['start', 'slow'], ['start', 'fast'], ['slow', 'join'], ['fast', 'join'], ['join', 'end']);

    expect(criticalPath(steps, graph)).toEqual({ node_ids: ['start', 'slow', 'join', 'end'], duration_ms: 115 });
  });

  //   a -> b     (c never ran: its edge is ignored)
  //   a -> c
  it('ignores edges to nodes that did not run and keeps a chain of zero-length nodes', () => {
    const steps = [step('a', 'start', 0, 0), step('b', 'end', 0, 0)];

    expect(criticalPath(steps, edges(['a', 'b'], ['a', 'c']))).toEqual({ node_ids: ['a', 'b'], duration_ms: 0 });
  });

  it('has no path without steps', () => {
    expect(criticalPath([], [])).toBeNull();
  });
});

describe('analyseNodes', () => {
  //   start -> a (llm, 30 ms) -> b (llm, 10 ms) -> end
  //        \-> c (tool, 40 ms, failed) ----------/
  const steps = [
    step('start', 'start', 0, 0),
    step('a', 'llm', 0, 30, { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }),
    step('c', 'tool', 0, 40, { status: 'failed' }),
    step('b', 'llm', 30, 40, { usage: { prompt_tokens: 20, completion_tokens: 20, total_tokens: 40 } }),
    step('end', 'end', 40, 40),
  ];
  const graph = edges(['start', 'a'], ['a', 'b'], ['b', 'end'], ['start', 'c'], ['c', 'end']);

  it('ranks the slowest nodes and sums time per node type', () => {
    const report = analyseNodes(steps, graph, 2);

    expect(report.slowest_nodes.map((node) => [node.node_id, node.duration_ms, node.share])).toEqual([
      ['c', 40, 0.5],
      ['a', 30, 0.375],
    ]);
    expect(report.by_node_type[0]).toEqual({ node_type: 'llm', count: 2, failed: 0, total_ms: 40, avg_ms: 20, max_ms: 30, share: 0.5 });
    expect(report.by_node_type.find((group) => group.node_type === 'tool')).toMatchObject({ count: 1, failed: 1, total_ms: 40 });
  });

  it('measures parallelism as summed node time over the span the nodes covered', () => {
    const report = analyseNodes(steps, graph, 5);

    expect(report.node_time_ms).toBe(80);
    expect(report.node_span_ms).toBe(40);
    expect(report.parallelism).toBe(2);
    expect(report.critical_path!.duration_ms).toBe(40);
  });

  it('lists tokens per node, most first, leaving out nodes without any', () => {
    const report = analyseNodes(steps, graph, 5);

    expect(report.tokens_by_node).toEqual([
      { node_id: 'b', node_type: 'llm', prompt_tokens: 20, completion_tokens: 20, total_tokens: 40 },
      { node_id: 'a', node_type: 'llm', prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    ]);
  });

  it('reports nothing odd for an execution without steps', () => {
    const report = analyseNodes([], [], 5);

    expect(report).toMatchObject({ node_time_ms: 0, node_span_ms: 0, parallelism: null, critical_path: null, slowest_nodes: [], by_node_type: [] });
  });
});
