import { AppError } from '../../platform/errors/app-error.js';

/** One problem of a node config: where in the node, and what is wrong. */
export interface NodeConfigProblem {
  /** "config.url", "config.cases.0.id", "config.body.nodes.1.type", "error_policy.retries" ... */
  path: string;
  message: string;
  code: string;
}

/** 422: a node type the registry does not know. */
export const nodeTypeUnknown = (type: string, known: string[]) =>
  new AppError({
    code: 'NODE_TYPE_UNKNOWN',
    category: 'validation',
    message: `Unknown node type "${type}"; known types: ${known.join(', ')}`,
    details: { node_type: type, known_types: known },
  });

/** 422: a config that its node type refuses; every problem is listed. */
export const nodeConfigInvalid = (type: string, problems: NodeConfigProblem[]) =>
  new AppError({
    code: 'NODE_CONFIG_INVALID',
    category: 'validation',
    message: `The ${type} config has ${problems.length} problem(s): ${problems.map((problem) => problem.message).join('; ')}`,
    details: { node_type: type, problems },
  });

/** 422: a node that only makes sense inside a whole execution. */
export const nodeNotRunnableAlone = (type: string, reason: string) =>
  new AppError({
    code: 'NODE_NOT_RUNNABLE_ALONE',
    category: 'validation',
    message: `A ${type} node cannot run on its own: ${reason}`,
    details: { node_type: type },
  });

/** 422: a decision given to a node that waits for none. */
export const decisionNotExpected = (type: string) =>
  new AppError({
    code: 'VALIDATION_ERROR',
    category: 'validation',
    message: `Only human_approval nodes take a decision; a ${type} node does not`,
    details: { fields: [{ field: 'body.decision', message: 'only for human_approval nodes' }] },
  });
