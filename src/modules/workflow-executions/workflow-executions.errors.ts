import { AppError, notFound } from '../../platform/errors/app-error.js';
import type { WorkflowIssue } from '../../engine/workflow/validate-workflow.js';

/** 404: an execution that does not exist or is someone else's. */
export const executionNotFound = (id: string) => notFound('EXECUTION_NOT_FOUND', 'Execution', id);

/** 422: a workflow that cannot run as it stands; the issues name the nodes. */
export const workflowInvalid = (issues: WorkflowIssue[]) =>
  new AppError({
    code: 'WORKFLOW_INVALID',
    category: 'validation',
    message: `The workflow has ${issues.length} problem(s); fix them before running it`,
    details: { issues },
  });

/** 409: the execution is not in a state that allows this action. */
export const executionStateConflict = (id: string, status: string, action: string) =>
  new AppError({
    code: 'EXECUTION_STATE_CONFLICT',
    category: 'conflict',
    message: `Execution ${id} is ${status}; it cannot ${action}`,
    details: { id, status },
  });

/** 422: a waiting execution resumes only with the decision it waits for. */
export const decisionRequired = (nodeId: string) =>
  new AppError({
    code: 'EXECUTION_DECISION_REQUIRED',
    category: 'validation',
    message: `Node "${nodeId}" waits for a decision: resume with {"decision": ...}`,
    details: { node_id: nodeId },
  });

/** 422: sub-workflows nested deeper than the limit. */
export const workflowDepthExceeded = (limit: number) =>
  new AppError({
    code: 'WORKFLOW_DEPTH_EXCEEDED',
    category: 'validation',
    message: `Workflows may start sub-workflows at most ${limit} deep`,
    details: { limit },
  });

/** The failure of an execution whose node failed (the run's error). */
export const workflowNodeFailed = (error: { code: string; message: string; nodeId?: string | undefined }) =>
  new AppError({
    code: 'WORKFLOW_NODE_FAILED',
    category: 'validation',
    message: `Node "${error.nodeId ?? '?'}" failed: ${error.message}`,
    details: { node_id: error.nodeId ?? null, node_error: error.code },
  });

/** 422: input that does not fit the start node's fields; nothing was started. */
/** 422: some inputs of a batch do not fit the start node (no execution of the batch starts). */
export const batchInputsInvalid = (invalid: Array<{ index: number; problems: string[] }>) =>
  new AppError({
    code: 'WORKFLOW_INPUT_INVALID',
    category: 'validation',
    message: `Invalid inputs: ${invalid.map(({ index, problems }) => `inputs[${index}]: ${problems.join('; ')}`).join(' | ')}`,
    details: { fields: invalid.flatMap(({ index, problems }) => problems.map((problem) => ({ field: `body.inputs.${index}`, message: problem }))) },
  });

export const workflowInputInvalid = (problems: string[]) =>
  new AppError({
    code: 'WORKFLOW_INPUT_INVALID',
    category: 'validation',
    message: `Invalid input: ${problems.join('; ')}`,
    details: { fields: problems.map((problem) => ({ field: 'body.input', message: problem })) },
  });

/** A queued execution whose workflow was deleted before it could start. */
export const executionWorkflowGone = (id: string) =>
  new AppError({
    code: 'WORKFLOW_DELETED',
    category: 'not_found',
    message: `Execution ${id} did not start: its workflow was deleted while it waited in the queue`,
    details: { id },
  });
