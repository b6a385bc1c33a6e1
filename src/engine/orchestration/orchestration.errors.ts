import { AppError } from '../../platform/errors/app-error.js';

/** A run-time failure of a pipeline stage whose input rendered to nothing. */
export const stageInputEmpty = (stage: string) =>
  new AppError({
    code: 'ORCHESTRATION_STAGE_INPUT_EMPTY',
    category: 'validation',
    message: `Stage "${stage}" got an empty input: its input template rendered to nothing`,
    details: { stage },
  });

/** The router model answered something that names none of the candidates (or no JSON at all). */
export const routerChoiceInvalid = (answer: string, candidates: string[]) =>
  new AppError({
    code: 'ORCHESTRATION_ROUTE_INVALID',
    category: 'upstream',
    message: `The router did not pick one of the agents (${candidates.join(', ')}): it answered ${JSON.stringify(answer.slice(0, 300))}`,
    details: { answer: answer.slice(0, 2000), candidates },
  });

/** A node of an agent graph failed (the run's error names the node). */
export const graphNodeFailed = (error: { code: string; message: string; nodeId?: string | undefined }) =>
  new AppError({
    code: 'ORCHESTRATION_NODE_FAILED',
    category: 'upstream',
    message: `Node "${error.nodeId ?? '?'}" failed: ${error.message}`,
    details: { node_id: error.nodeId ?? null, node_error: error.code },
  });
