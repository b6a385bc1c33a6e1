import type { NodeType, NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import { nodeConfigInvalid, nodeTypeUnknown, type NodeConfigProblem } from './workflow-nodes.errors.js';

/**
 * Issues that only make sense for a whole workflow: a lone node has no start, end or edges, and its
 * {{references}} point at nodes of a graph it is not in yet.
 */
const WHOLE_GRAPH_ISSUES = new Set(['START_COUNT', 'END_UNREACHABLE', 'NODE_UNREACHABLE', 'START_HAS_INPUT', 'UNKNOWN_VARIABLE']);

/** Where the one node of the graph checked below sits; its issues' paths are made relative to it. */
const NODE_PATH = /^nodes\.0\.?/;

/**
 * Checks a node type and its config as workflow validation does, and returns the node type.
 * Steps: find the type (422 NODE_TYPE_UNKNOWN naming the known ones); validate a graph holding this
 * one node, so the config schema and any nested body (loop, iteration) get exactly the checks of
 * POST /workflows/validate; keep the issues that concern the node itself (values that are
 * {{references}} are left to run time, as there) and refuse with 422 NODE_CONFIG_INVALID listing them.
 */
export function checkNodeConfig(registry: NodeTypeRegistry, node: { type: string; config: Record<string, unknown> }): NodeType<unknown> {
  const nodeType = registry.find(node.type);
  if (!nodeType) throw nodeTypeUnknown(node.type, registry.list().map((known) => known.type));
  const issues = validateWorkflow({ nodes: [{ id: 'node', type: node.type, config: node.config }], edges: [] }, { registry });
  const problems: NodeConfigProblem[] = issues
    .filter((issue) => !WHOLE_GRAPH_ISSUES.has(issue.code))
    .map((issue) => ({ path: issue.path.replace(NODE_PATH, '') || 'config', message: issue.message, code: issue.code }));
  if (problems.length > 0) throw nodeConfigInvalid(node.type, problems);
  return nodeType;
}
