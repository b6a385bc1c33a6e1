import type { RunEvent } from '../runs/active-run.js';
import type { ExecutionView } from '../workflow-executions/workflow-executions.view.js';

/**
 * The first message of every socket: where the execution stands, with one line per node step
 * (no inputs or outputs: those come with the `node_finished` events or GET /executions/{id}).
 */
export function toStatusMessage(execution: ExecutionView, lastSeq: number) {
  return {
    event: 'status',
    data: {
      execution_id: execution.id,
      workflow_id: execution.workflow_id,
      workflow_version: execution.workflow_version,
      status: execution.status,
      error: execution.error,
      waiting: execution.waiting,
      output: execution.output,
      token_usage: execution.token_usage,
      last_seq: lastSeq,
      steps: execution.steps.map((step) => ({
        node_id: step.node_id,
        node_type: step.node_type,
        status: step.status,
        branch: step.branch,
        error: step.error,
        attempts: step.attempts,
        duration_ms: step.duration_ms,
      })),
    },
  };
}

/** A run event on the socket. */
export const toEventMessage = (event: RunEvent) => ({ event: event.event, seq: event.seq, data: event.data });

/** The answer to a client's command that failed (the socket stays open). */
export const toErrorMessage = (error: { code: string; message: string }) => ({ type: 'error', error: error.code, message: error.message });
