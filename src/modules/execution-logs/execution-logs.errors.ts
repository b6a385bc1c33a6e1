import { notFound } from '../../platform/errors/app-error.js';

/** 404: an execution (any run) that does not exist or is someone else's; the same code as /executions. */
export { executionNotFound } from '../workflow-executions/workflow-executions.errors.js';

/** 404: a node that has no step (and never started) in this execution. */
export const executionNodeNotFound = (executionId: string, nodeId: string) =>
  notFound('EXECUTION_NODE_NOT_FOUND', `Node ${nodeId} of execution`, executionId);
