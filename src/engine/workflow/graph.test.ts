import { describe, expect, it } from 'vitest';
import { topologicalOrder, validateGraph } from './graph.js';

const node = (id: string, type = 'agent') => ({ id, type });

describe('topologicalOrder', () => {
  it('orders a diamond so every edge points forward', () => {
    //   start
    //   /   \
    //  a     b
    //   \   /
    //    end
    const nodes = [node('end', 'end'), node('b'), node('a'), node('start', 'start')];
    const edges = [
      { source: 'start', target: 'a' },
      { source: 'start', target: 'b' },
      { source: 'a', target: 'end' },
      { source: 'b', target: 'end' },
    ];

    const order = topologicalOrder(nodes, edges)!;

    for (const edge of edges) expect(order.indexOf(edge.source)).toBeLessThan(order.indexOf(edge.target));
    expect(order).toHaveLength(4);
  });

  it('answers null for a cycle', () => {
    //  a -> b -> c -> a
    const edges = [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'c' },
      { source: 'c', target: 'a' },
    ];

    expect(topologicalOrder([node('a'), node('b'), node('c')], edges)).toBeNull();
  });
});

describe('validateGraph', () => {
  it('accepts the seed example: start -> agent -> end', () => {
    const graph = {
      nodes: [node('start', 'start'), node('agent'), node('end', 'end')],
      edges: [
        { source: 'start', target: 'agent' },
        { source: 'agent', target: 'end' },
      ],
    };

    expect(validateGraph(graph)).toEqual([]);
  });

  it('reports duplicate ids, dangling edges, self loops and two starts, each with its path', () => {
    const graph = {
      nodes: [node('s1', 'start'), node('s2', 'start'), node('a'), node('a')],
      edges: [
        { source: 'a', target: 'missing' },
        { source: 'a', target: 'a' },
      ],
    };

    const issues = validateGraph(graph).map((issue) => issue.path);

    expect(issues).toEqual(expect.arrayContaining(['nodes.3.id', 'edges.0.target', 'edges.1', 'nodes']));
  });

  it('reports a cycle', () => {
    const graph = {
      nodes: [node('a'), node('b')],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'a' },
      ],
    };

    expect(validateGraph(graph)).toEqual([{ path: 'edges', message: 'the graph has a cycle' }]);
  });
});
