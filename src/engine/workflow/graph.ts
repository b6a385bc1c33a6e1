/** A node of a workflow graph, as far as the shape of the graph cares. */
export interface GraphNode {
  id: string;
  type: string;
}

/** A directed edge from one node to another. */
export interface GraphEdge {
  source: string;
  target: string;
}

/** A problem found in a graph, with where it is. */
export interface GraphIssue {
  path: string;
  message: string;
}

function duplicateIds(nodes: GraphNode[]): GraphIssue[] {
  const seen = new Set<string>();
  const issues: GraphIssue[] = [];
  nodes.forEach((node, index) => {
    if (seen.has(node.id)) issues.push({ path: `nodes.${index}.id`, message: `duplicate node id "${node.id}"` });
    seen.add(node.id);
  });
  return issues;
}

function danglingEdges(edges: GraphEdge[], ids: Set<string>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  edges.forEach((edge, index) => {
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(edge[end])) issues.push({ path: `edges.${index}.${end}`, message: `unknown node "${edge[end]}"` });
    }
    if (edge.source === edge.target) issues.push({ path: `edges.${index}`, message: 'an edge cannot loop on one node' });
  });
  return issues;
}

/**
 * Kahn's algorithm: the nodes in an order where every edge points forward, or null when the
 * graph has a cycle. Steps: count incoming edges; start from nodes with none; remove them one by
 * one, releasing their targets; if some nodes were never released, they sit on a cycle.
 */
export function topologicalOrder(nodes: GraphNode[], edges: GraphEdge[]): string[] | null {
  const incoming = new Map(nodes.map((node) => [node.id, 0]));
  const outgoing = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    if (!incoming.has(edge.source) || !incoming.has(edge.target)) continue;
    incoming.set(edge.target, incoming.get(edge.target)! + 1);
    outgoing.get(edge.source)!.push(edge.target);
  }
  const ready = nodes.filter((node) => incoming.get(node.id) === 0).map((node) => node.id);
  const order: string[] = [];
  // An index into the queue rather than shift(), which moves every remaining item each time.
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head]!;
    order.push(id);
    for (const target of outgoing.get(id)!) {
      const remaining = incoming.get(target)! - 1;
      incoming.set(target, remaining);
      if (remaining === 0) ready.push(target);
    }
  }
  return order.length === incoming.size ? order : null;
}

/**
 * Checks that a graph is well formed: unique node ids, edges between existing nodes, no self
 * loops, no cycles, and at most one `start` node. Returns every problem found (none = valid).
 */
export function validateGraph(graph: { nodes: GraphNode[]; edges: GraphEdge[] }): GraphIssue[] {
  const ids = new Set(graph.nodes.map((node) => node.id));
  const issues = [...duplicateIds(graph.nodes), ...danglingEdges(graph.edges, ids)];
  const starts = graph.nodes.filter((node) => node.type === 'start');
  if (starts.length > 1) issues.push({ path: 'nodes', message: 'a graph has at most one start node' });
  if (issues.length === 0 && topologicalOrder(graph.nodes, graph.edges) === null) {
    issues.push({ path: 'edges', message: 'the graph has a cycle' });
  }
  return issues;
}
