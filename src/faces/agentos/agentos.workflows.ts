import type { WorkflowResponse } from '../../modules/workflows/workflows.schemas.js';
import type { WorkflowsService } from '../../modules/workflows/workflows.service.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { isUuid } from './agentos.agents.js';
import { notFoundDetail } from './agentos.errors.js';
import { agentOsDbId } from './agentos.views.js';

type GraphNode = { id: string; type: string; name?: unknown; config?: Record<string, unknown> };

/** The caller's workflows as AgentOS workflows. */
export class AgentOsWorkflows {
  constructor(private readonly workflows: WorkflowsService) {}

  async list(actor: Actor): Promise<WorkflowResponse[]> {
    const found: WorkflowResponse[] = [];
    for (let page = 1; ; page += 1) {
      const result = await this.workflows.list(actor, { page, page_size: 100 });
      found.push(...result.items);
      if (page * 100 >= result.total) return found;
    }
  }

  /** The caller's workflow, or 404 `Workflow not found`. */
  async find(actor: Actor, workflowId: string): Promise<WorkflowResponse> {
    if (!isUuid(workflowId)) throw notFoundDetail('Workflow not found');
    try {
      return await this.workflows.get(actor, workflowId);
    } catch (error) {
      if (isAppError(error) && error.category === 'not_found') throw notFoundDetail('Workflow not found');
      throw error;
    }
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
