import { workflowGraphSchema, type WorkflowEdge, type WorkflowGraph, type WorkflowNode } from '../workflow/definition.js';
import type { NodeTypeRegistry } from '../workflow/node-type.js';
import { validateWorkflow, type WorkflowIssue } from '../workflow/validate-workflow.js';

/** Node types an agent graph cannot hold, and why. */
const UNSUPPORTED_TYPES: ReadonlyMap<string, string> = new Map([
  ['human_approval', 'an agent graph runs in one go: nobody can approve inside it'],
  ['sub_workflow', 'an agent graph cannot start workflows; run the workflow itself instead'],
]);

/** The ids the start node may get when the graph has none (the first that is free). */
const START_IDS = ['start', '_start', '__start'];

const NODE_KEYS = ['id', 'type', 'label', 'config', 'position', 'error_policy'] as const;
const EDGE_KEYS = ['id', 'source', 'target', 'source_handle', 'condition'] as const;

/** An agent graph ready to run, the agents it names, and its problems (none: it can run). */
export interface AgentGraphPlan {
  graph: WorkflowGraph;
  /** The agent ids written in agent nodes (not {{references}}), for checking they are the caller's. */
  agentIds: string[];
  issues: WorkflowIssue[];
}

/** Only the fields the workflow engine knows: an editor's canvas data is left out, not refused. */
function pick(value: unknown, keys: readonly string[]): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(keys.filter((key) => key in value).map((key) => [key, (value as Record<string, unknown>)[key]]));
}

function shapeOf(config: unknown): unknown {
  if (config === null || typeof config !== 'object') return config;
  const { nodes, edges } = config as { nodes?: unknown; edges?: unknown };
  return {
    nodes: Array.isArray(nodes) ? nodes.map((node) => pick(node, NODE_KEYS)) : nodes,
    edges: Array.isArray(edges) ? edges.map((edge) => pick(edge, EDGE_KEYS)) : edges,
  };
}

/** A graph without a start node gets one, leading to every node nothing leads to. */
function withStart(graph: WorkflowGraph): WorkflowGraph {
  if (graph.nodes.some((node) => node.type === 'start')) return graph;
  const ids = new Set(graph.nodes.map((node) => node.id));
  const id = START_IDS.find((candidate) => !ids.has(candidate))!;
  const targets = new Set(graph.edges.map((edge) => edge.target));
  const roots = graph.nodes.filter((node) => !targets.has(node.id));
  // Added after the given ones, so the paths of problems still point at the caller's nodes and edges.
  return {
    nodes: [...graph.nodes, { id, type: 'start', config: {} }],
    edges: [...graph.edges, ...roots.map((node): WorkflowEdge => ({ source: id, target: node.id }))],
  };
}

/**
 * The template of "the previous output" of a node: what each node leading to it produced (an
 * agent's content, an llm's or template's text, the start's message, another node's output as
 * JSON), looking through condition and classifier nodes to what they decided on. Branches not
 * taken render empty.
 */
export function previousOutputTemplate(graph: WorkflowGraph, nodeId: string): string {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const references = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const node = byId.get(id);
    if (!node) return;
    if (node.type === 'start') references.add('{{start.input.message}}');
    else if (node.type === 'agent') references.add(`{{${id}.output.content}}`);
    else if (node.type === 'llm' || node.type === 'template') references.add(`{{${id}.output.text}}`);
    else if (node.type === 'condition' || node.type === 'question_classifier') sourcesOf(id).forEach(visit);
    // Triple braces render the output as JSON text, where a lone {{reference}} would keep it an object.
    else references.add(`{{{${id}.output}}}`);
  };
  const sourcesOf = (id: string) => graph.edges.filter((edge) => edge.target === id).map((edge) => edge.source);
  sourcesOf(nodeId).forEach(visit);
  return references.size === 0 ? '{{start.input.message}}' : [...references].join('\n\n');
}

/** Agent nodes without an agent are the executing agent; without a message they get the previous output. */
function withAgentDefaults(graph: WorkflowGraph, selfId: string | null): { graph: WorkflowGraph; issues: WorkflowIssue[] } {
  const issues: WorkflowIssue[] = [];
  const nodes = graph.nodes.map((node, index): WorkflowNode => {
    if (node.type !== 'agent') return node;
    const config = { ...node.config };
    if (config.agent_id === undefined || config.agent_id === null || config.agent_id === '') {
      if (selfId) config.agent_id = selfId;
      else issues.push({ code: 'AGENT_REQUIRED', message: `agent node "${node.id}" names no agent_id, and no agent executes the graph`, node_id: node.id, path: `nodes.${index}.config.agent_id` });
    }
    if (config.message === undefined || config.message === null || config.message === '') config.message = previousOutputTemplate(graph, node.id);
    return { ...node, config };
  });
  return { graph: { nodes, edges: graph.edges }, issues };
}

/**
 * Turns an agent's `workflow_config` into a workflow graph the workflow engine runs, with agents as
 * nodes. Steps: keep the fields the engine knows and check the shape; add a start node when there
 * is none; fill agent nodes' defaults (the executing agent, the previous output); refuse node types
 * that cannot run inside an orchestration; then validate it as any workflow (an end node is
 * optional: without one, the nodes nothing follows give the output).
 */
export function planAgentGraph(config: unknown, options: { selfId: string | null; registry: NodeTypeRegistry }): AgentGraphPlan {
  const parsed = workflowGraphSchema.safeParse(shapeOf(config));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ code: 'GRAPH_INVALID', message: issue.message, path: issue.path.join('.') }));
    return { graph: { nodes: [], edges: [] }, agentIds: [], issues };
  }
  const defaults = withAgentDefaults(withStart(parsed.data), options.selfId);
  const { graph } = defaults;
  const issues = [...defaults.issues];
  graph.nodes.forEach((node, index) => {
    const reason = UNSUPPORTED_TYPES.get(node.type);
    if (reason) issues.push({ code: 'NODE_TYPE_UNSUPPORTED', message: `node "${node.id}" (${node.type}): ${reason}`, node_id: node.id, path: `nodes.${index}.type` });
  });
  const hasEnd = graph.nodes.some((node) => node.type === 'end');
  issues.push(...validateWorkflow(graph, { registry: options.registry }).filter((issue) => hasEnd || issue.code !== 'END_UNREACHABLE'));
  const agentIds = graph.nodes
    .filter((node) => node.type === 'agent' && typeof node.config.agent_id === 'string' && !node.config.agent_id.includes('{{'))
    .map((node) => node.config.agent_id as string);
  return { graph, agentIds: [...new Set(agentIds)], issues };
}
