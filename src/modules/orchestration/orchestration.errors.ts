import type { WorkflowIssue } from '../../engine/workflow/validate-workflow.js';
import { AppError, validationError, type FieldError } from '../../platform/errors/app-error.js';

/** The most agents one orchestration asks (the executing agent counts), rounds of a debate, stages of a pipeline. */
export const ORCHESTRATION_LIMITS = { agents: 10, rounds: 10, stages: 20 } as const;

/** 422: an orchestration's fields break a rule the schema cannot express (limits, templates, duplicates). */
export const orchestrationInvalid = (fields: FieldError[]) => validationError(fields, 'The orchestration is invalid');

/** 422: graph mode without a graph: the executing agent has no workflow_config and none was given. */
export const graphMissing = (agentId: string | null) =>
  new AppError({
    code: 'ORCHESTRATION_GRAPH_MISSING',
    category: 'validation',
    message: agentId
      ? `Agent ${agentId} has no workflow_config: give it one (PUT /agents/{id}) or send workflow_config`
      : 'Give workflow_config, or agent_id of an agent that has one',
    details: { agent_id: agentId },
  });

/** 422: a workflow_config that cannot run as an agent graph; the issues name the nodes. */
export const graphInvalid = (issues: WorkflowIssue[]) =>
  new AppError({
    code: 'ORCHESTRATION_GRAPH_INVALID',
    category: 'validation',
    message: `The agent graph has ${issues.length} problem(s): ${issues
      .slice(0, 5)
      .map((issue) => issue.message)
      .join('; ')}`,
    details: { issues },
  });
