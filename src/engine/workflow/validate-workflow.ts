import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from './definition.js';
import { topologicalOrder } from './graph.js';
import type { NodeType, NodeTypeRegistry } from './node-type.js';
import { referencedPaths } from './variables.js';

/** One problem of a workflow, with the node (or edge) it is about. */
export interface WorkflowIssue {
  code: string;
  message: string;
  node_id?: string;
  /** Where in the definition: "nodes.3.config.prompt", "edges.2.target" ... */
  path: string;
}

/** What validation knows besides the graph. */
export interface ValidateOptions {
  registry: NodeTypeRegistry;
  /** Names `{{env.NAME}}` may use; unchecked when absent. */
  envNames?: readonly string[];
}

/** Extra names a nested graph may reference (its loop node's id, the outer graph's nodes). */
interface NestedScope {
  names: ReadonlySet<string>;
  prefix: string;
}

const RESERVED_ROOTS = new Set(['start', 'env']);

/** Duplicate ids, dangling edges, self loops and cycles; with none, the nodes in an order where every edge points forward. */
function structuralIssues(graph: WorkflowGraph, prefix: string): { issues: WorkflowIssue[]; order: string[] } {
  const issues: WorkflowIssue[] = [];
  const ids = new Set<string>();
  graph.nodes.forEach((node, index) => {
    if (ids.has(node.id)) issues.push({ code: 'DUPLICATE_NODE_ID', message: `duplicate node id "${node.id}"`, node_id: node.id, path: `${prefix}nodes.${index}.id` });
    ids.add(node.id);
  });
  graph.edges.forEach((edge, index) => {
    for (const end of ['source', 'target'] as const) {
      if (!ids.has(edge[end])) issues.push({ code: 'DANGLING_EDGE', message: `edge ${end} "${edge[end]}" is not a node`, path: `${prefix}edges.${index}.${end}` });
    }
    if (edge.source === edge.target) issues.push({ code: 'SELF_LOOP', message: 'an edge cannot loop on one node', node_id: edge.source, path: `${prefix}edges.${index}` });
  });
  if (issues.length > 0) return { issues, order: [] };
  const order = topologicalOrder(graph.nodes, graph.edges);
  if (order === null) {
    issues.push({ code: 'CYCLE', message: 'the graph has a cycle; repeat work with a loop or iteration node instead', path: `${prefix}edges` });
  }
  return { issues, order: order ?? [] };
}

/** What the checks ask of a well-formed graph, answered from indexes built once. */
interface GraphIndex {
  /** The edges leaving each node, with their index in `graph.edges`, in that order. */
  outgoing: ReadonlyMap<string, ReadonlyArray<{ edge: WorkflowEdge; index: number }>>;
  /** True when a path of edges leads from `ancestor` to `node` (so it runs before it). */
  precedes(ancestor: string, node: string): boolean;
  /** Every node that precedes `node`. */
  ancestors(node: string): string[];
}

/**
 * Indexes a graph without cycles. Steps: group the edges by source and by target; then, in
 * topological order, give each node the set of its ancestors as a bit set, the union of its
 * sources' sets plus the sources themselves. That costs O(edges × nodes / 32) once (about 32
 * operations per edge at 1,000 nodes), where finding each node's ancestors by walking the graph
 * from every other node cost O(nodes²) per node check.
 */
function indexGraph(graph: WorkflowGraph, order: readonly string[]): GraphIndex {
  const position = new Map(graph.nodes.map((node, index) => [node.id, index]));
  const outgoing = new Map<string, Array<{ edge: WorkflowEdge; index: number }>>(graph.nodes.map((node) => [node.id, []]));
  const sources = new Map<string, number[]>(graph.nodes.map((node) => [node.id, []]));
  graph.edges.forEach((edge, index) => {
    outgoing.get(edge.source)!.push({ edge, index });
    sources.get(edge.target)!.push(position.get(edge.source)!);
  });
  const words = (graph.nodes.length + 31) >>> 5;
  const ancestry = graph.nodes.map(() => new Uint32Array(words));
  for (const id of order) {
    const own = ancestry[position.get(id)!]!;
    for (const source of sources.get(id)!) {
      const theirs = ancestry[source]!;
      for (let word = 0; word < words; word++) own[word]! |= theirs[word]!;
      own[source >>> 5]! |= 1 << (source & 31);
    }
  }
  const has = (bits: Uint32Array, at: number) => (bits[at >>> 5]! & (1 << (at & 31))) !== 0;
  return {
    outgoing,
    precedes(ancestor, node) {
      const at = position.get(ancestor);
      return at !== undefined && has(ancestry[position.get(node)!]!, at);
    },
    ancestors(node) {
      const bits = ancestry[position.get(node)!]!;
      return graph.nodes.filter((_, index) => has(bits, index)).map((other) => other.id);
    },
  };
}

function entryIssues(graph: WorkflowGraph, index: GraphIndex): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const starts = graph.nodes.filter((node) => node.type === 'start');
  if (starts.length !== 1) {
    issues.push({ code: 'START_COUNT', message: `a workflow has exactly one start node, found ${starts.length}`, path: 'nodes' });
    return issues;
  }
  const start = starts[0]!;
  if (!graph.nodes.some((node) => node.type === 'end' && index.precedes(start.id, node.id))) {
    issues.push({ code: 'END_UNREACHABLE', message: 'no end node is reachable from the start node', node_id: start.id, path: 'nodes' });
  }
  graph.nodes.forEach((node, position) => {
    if (node !== start && !index.precedes(start.id, node.id)) {
      issues.push({ code: 'NODE_UNREACHABLE', message: `node "${node.id}" cannot be reached from the start node`, node_id: node.id, path: `nodes.${position}` });
    }
  });
  if (graph.edges.some((edge) => edge.target === start.id)) {
    issues.push({ code: 'START_HAS_INPUT', message: 'no edge may lead into the start node', node_id: start.id, path: 'edges' });
  }
  return issues;
}

/** Config problems, ignoring values that are {{references}} (their type is only known at run time). */
function configIssues(node: WorkflowNode, parsed: ReturnType<NodeType<unknown>['configSchema']['safeParse']>, path: string): WorkflowIssue[] {
  if (parsed.success) return [];
  return parsed.error.issues
    .filter((issue) => {
      const value = issue.path.reduce<unknown>((current, key) => (current as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey], node.config);
      return !(typeof value === 'string' && value.includes('{{'));
    })
    .map((issue) => ({
      code: 'NODE_CONFIG_INVALID',
      message: `${issue.path.join('.') || 'config'}: ${issue.message}`,
      node_id: node.id,
      path: `${path}.config${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}`,
    }));
}

/** Edges leaving a branching node must name one of its branches; "error" edges need on_error: branch. */
function handleIssues(node: WorkflowNode, outgoing: GraphIndex['outgoing'], branches: string[] | null, prefix: string): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  const onError = node.error_policy?.on_error ?? 'fail';
  for (const { edge, index } of outgoing.get(node.id)!) {
    if (edge.source_handle === undefined) continue;
    const path = `${prefix}edges.${index}.source_handle`;
    if (edge.source_handle === 'error') {
      if (onError !== 'branch') issues.push({ code: 'ERROR_EDGE_UNUSED', message: `node "${node.id}" has an error edge but its on_error is not "branch"`, node_id: node.id, path });
    } else if (branches === null || !branches.includes(edge.source_handle)) {
      const known = branches === null ? 'it does not branch' : `its branches are ${branches.join(', ')}`;
      issues.push({ code: 'UNKNOWN_BRANCH', message: `node "${node.id}" has no branch "${edge.source_handle}": ${known}`, node_id: node.id, path });
    }
  }
  return issues;
}

function referenceIssues(node: WorkflowNode, visible: (root: string) => boolean, options: ValidateOptions, path: string): WorkflowIssue[] {
  const issues: WorkflowIssue[] = [];
  for (const reference of referencedPaths(node.config)) {
    const [root, second] = reference.split('.');
    if (root === 'env') {
      if (options.envNames && second !== undefined && !options.envNames.includes(second)) {
        issues.push({ code: 'UNKNOWN_VARIABLE', message: `{{${reference}}}: no environment variable "${second}"`, node_id: node.id, path: `${path}.config` });
      }
    } else if (!RESERVED_ROOTS.has(root!) && !visible(root!)) {
      issues.push({
        code: 'UNKNOWN_VARIABLE',
        message: `{{${reference}}}: "${root}" is not a node that runs before "${node.id}"`,
        node_id: node.id,
        path: `${path}.config`,
      });
    }
  }
  return issues;
}

function validateGraphOf(graph: WorkflowGraph, options: ValidateOptions, nested: NestedScope | null): WorkflowIssue[] {
  const prefix = nested?.prefix ?? '';
  const { issues, order } = structuralIssues(graph, prefix);
  if (issues.length > 0) return issues;
  const index = indexGraph(graph, order);
  if (!nested) issues.push(...entryIssues(graph, index));
  graph.nodes.forEach((node, position) => {
    const path = `${prefix}nodes.${position}`;
    const nodeType = options.registry.find(node.type);
    if (!nodeType) {
      issues.push({ code: 'NODE_TYPE_UNKNOWN', message: `unknown node type "${node.type}"`, node_id: node.id, path: `${path}.type` });
      return;
    }
    const config = nodeType.configSchema.safeParse(node.config);
    issues.push(...configIssues(node, config, path));
    const branches = config.success && nodeType.branches ? nodeType.branches(config.data) : null;
    issues.push(...handleIssues(node, index.outgoing, branches, prefix));
    const visible = (root: string) => index.precedes(root, node.id) || (nested?.names.has(root) ?? false);
    // A loop's body is checked below with the loop's own variables; the rest of its config here.
    const ownConfig = nodeType.subgraphs ? Object.fromEntries(Object.entries(node.config).filter(([key]) => key !== 'body')) : node.config;
    issues.push(...referenceIssues({ ...node, config: ownConfig }, visible, options, path));
    if (config.success && nodeType.subgraphs) {
      const names = new Set([...index.ancestors(node.id), ...(nested?.names ?? []), node.id]);
      nodeType.subgraphs(config.data).forEach((subgraph, subIndex) => {
        issues.push(...validateGraphOf(subgraph, options, { names, prefix: `${path}.config.body${subIndex > 0 ? subIndex : ''}.` }));
      });
    }
  });
  return issues;
}

/**
 * Every problem of a workflow, each with its node id where it has one: duplicate ids, dangling
 * edges, cycles (repetition belongs in loop and iteration nodes), exactly one start node, an end
 * node reachable from it, every node reachable, known node types with valid configs, edges naming
 * real branches, and every {{variable}} pointing at the start input, env, or a node that runs before.
 * Loop and iteration bodies are checked the same way, and may also use their loop node's variables.
 */
export function validateWorkflow(graph: WorkflowGraph, options: ValidateOptions): WorkflowIssue[] {
  return validateGraphOf(graph, options, null);
}
