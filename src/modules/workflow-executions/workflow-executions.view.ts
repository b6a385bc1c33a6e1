import type { StepRecord } from '../../engine/workflow/step-record.js';
import type { ExecutionRecord } from './workflow-executions.repository.js';

/** One node's step as the API shows it. */
export interface StepView {
  node_id: string;
  node_type: string;
  status: string;
  input: unknown;
  output: Record<string, unknown> | null;
  branch: string | null;
  error: { code: string; message: string } | null;
  attempts: number;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  token_usage: StepRecord['usage'];
}

/** An execution as the API shows it. */
export interface ExecutionView {
  id: string;
  workflow_id: string;
  workflow_version: number;
  trigger: string;
  status: string;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  waiting: { node_id: string; request: Record<string, unknown> } | null;
  token_usage: unknown;
  parent_run_id: string | null;
  steps: StepView[];
  created_at: string;
  finished_at: string | null;
}

/** A step as the API shows it. */
export function toStepView(step: StepRecord): StepView {
  return {
    node_id: step.nodeId,
    node_type: step.nodeType,
    status: step.status,
    input: step.input,
    output: step.output,
    branch: step.branch,
    error: step.error,
    attempts: step.attempts,
    started_at: step.startedAt.toISOString(),
    finished_at: step.finishedAt.toISOString(),
    duration_ms: step.finishedAt.getTime() - step.startedAt.getTime(),
    token_usage: step.usage,
  };
}

/** An execution with its steps as the API shows it. */
export function toExecutionView(execution: ExecutionRecord, steps: StepRecord[]): ExecutionView {
  const { run } = execution;
  return {
    id: execution.runId,
    workflow_id: execution.workflowId,
    workflow_version: execution.workflowVersion,
    trigger: execution.trigger,
    status: run.status,
    input: execution.input,
    output: run.output ?? null,
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage ?? '' } : null,
    waiting: execution.waitingNodeId ? { node_id: execution.waitingNodeId, request: execution.waitingRequest ?? {} } : null,
    token_usage: run.usage ?? null,
    parent_run_id: run.parentRunId,
    steps: steps.map(toStepView),
    created_at: execution.createdAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}
