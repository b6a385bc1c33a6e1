import type { WorkflowResponse } from '../../modules/workflows/workflows.schemas.js';
import type { WorkflowsService } from '../../modules/workflows/workflows.service.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { allPages } from '../all-pages.js';
import { findOr404 } from './agentos.agents.js';
import { agentOsDbId } from './agentos.views.js';

type GraphNode = { id: string; type: string; name?: unknown; config?: Record<string, unknown> };

/** The caller's workflows as AgentOS workflows. */
export class AgentOsWorkflows {
  constructor(private readonly workflows: WorkflowsService) {}

  async list(actor: Actor): Promise<WorkflowResponse[]> {
    return allPages((page) => this.workflows.list(actor, page));
  }

  /** The caller's workflow, or 404 `Workflow not found`. */
  async find(actor: Actor, workflowId: string): Promise<WorkflowResponse> {
    return findOr404(workflowId, 'Workflow not found', () => this.workflows.get(actor, workflowId));
  }
}

/** A workflow in `GET /workflows` (WorkflowSummaryResponse). */
export function toWorkflowSummary(workflow: WorkflowResponse) {
  return {
    id: workflow.id,
    name: workflow.name,
    ...(workflow.description ? { description: workflow.description } : {}),
    db_id: agentOsDbId,
    is_factory: false,
    is_component: false,
    current_version: workflow.version,
  };
}

/** The nodes of a workflow's graph. */
export function nodesOf(workflow: WorkflowResponse): GraphNode[] {
  return ((workflow.graph as { nodes?: GraphNode[] }).nodes ?? []) as GraphNode[];
}

/** A workflow in `GET /workflows/{id}` (WorkflowResponse): its nodes are its steps; the start node's inputs its input schema. */
export function toWorkflowResponse(workflow: WorkflowResponse) {
  const nodes = nodesOf(workflow);
  const start = nodes.find((node) => node.type === 'start');
  const inputs = (start?.config?.inputs ?? []) as Array<{ name: string; type?: string; required?: boolean }>;
  return {
    ...toWorkflowSummary(workflow),
    input_schema: {
      type: 'object',
      properties: Object.fromEntries(inputs.map((input) => [input.name, { type: input.type ?? 'string' }])),
      required: inputs.filter((input) => input.required).map((input) => input.name),
    },
    steps: nodes.map((node) => ({ step_id: node.id, name: typeof node.name === 'string' ? node.name : node.id, type: node.type })),
    workflow_agent: false,
  };
}
