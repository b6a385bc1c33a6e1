import type { WorkflowGraph } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import { checkStartInput } from '../../engine/workflow/nodes/start.node.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import type { WorkflowDefinition } from '../../platform/db/schema/index.js';
import { workflowInvalid } from './workflow-executions.errors.js';

/** One version of a workflow, as executions start it. */
export interface WorkflowVersionRef {
  id: string;
  version: number;
  definition: WorkflowDefinition;
}

/** Problems of an input for a workflow's start node (none: it fits). */
export type InputCheck = (input: Record<string, unknown>) => string[];

/**
 * The validation executions need before they start, remembered per workflow version. Saving does
 * not require a valid graph (drafts are kept), so every execution checks; but a stored version
 * never changes (an update is a new version) and node types are only ever added, never removed or
 * replaced, so a version found valid stays valid: it is validated once, not on every execution.
 * Invalid versions are not remembered (a node type registered later may make them valid).
 */
export class ValidatedWorkflows {
  /** The start node's config of each valid version, least recently used first. */
  private readonly valid = new Map<string, unknown>();

  constructor(
    private readonly registry: NodeTypeRegistry,
    private readonly capacity = 1000,
  ) {}

  /** How an input fits the start node of `workflow`; throws WORKFLOW_INVALID with the issues when its graph is not valid. */
  check(workflow: WorkflowVersionRef): InputCheck {
    const key = `${workflow.id}@${workflow.version}`;
    let startConfig = this.valid.get(key);
    if (this.valid.has(key)) {
      this.valid.delete(key);
    } else {
      const graph = workflow.definition.graph as unknown as WorkflowGraph;
      const issues = validateWorkflow(graph, { registry: this.registry, envNames: Object.keys(workflow.definition.environment) });
      if (issues.length > 0) throw workflowInvalid(issues);
      startConfig = graph.nodes.find((node) => node.type === 'start')?.config;
      if (this.valid.size >= this.capacity) this.valid.delete(this.valid.keys().next().value!);
    }
    this.valid.set(key, startConfig);
    return (input) => checkStartInput(startConfig, input).problems;
  }
}
