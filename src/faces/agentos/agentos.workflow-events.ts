import { epochSeconds, runMetrics, type PlatformEvent } from './agentos.events.js';
import type { AgnoEvent } from './agentos.sse.js';

/** Who a workflow stream speaks for. */
export interface WorkflowRunIdentity {
  workflowId: string;
  workflowName: string;
  runId: string;
  sessionId: string;
}

/** A workflow's result as AgentOS content: the end node's `content` when it is text, else its whole output. */
export function workflowContent(output: unknown): { content: unknown; content_type: string } {
  const content = (output as { content?: unknown } | null)?.content;
  if (typeof content === 'string') return { content, content_type: 'str' };
  return { content: output ?? null, content_type: 'dict' };
}

/**
 * Translates a workflow execution's events into AgentOS workflow events: node_started ->
 * StepStarted, node_token -> RunContent (with the step fields), node_finished -> StepCompleted
 * (StepError when it failed), done -> WorkflowCompleted, paused/waiting -> WorkflowPaused,
 * error -> WorkflowError (`error`, not `content`) or WorkflowCancelled.
 */
export class WorkflowEventTranslator {
  private readonly stepIndex = new Map<string, number>();

  constructor(
    private readonly identity: WorkflowRunIdentity,
    private readonly now: () => number = () => epochSeconds(),
  ) {}

  started(): AgnoEvent {
    return this.event('WorkflowStarted', {});
  }

  translate({ event, data }: PlatformEvent): AgnoEvent[] {
    const nodeId = String(data.node_id ?? '');
    switch (event) {
      case 'node_started':
        if (!this.stepIndex.has(nodeId)) this.stepIndex.set(nodeId, this.stepIndex.size);
        return [this.event('StepStarted', this.step(nodeId))];
      case 'node_token':
        return [this.event('RunContent', { ...this.step(nodeId), agent_id: '', agent_name: '', workflow_run_id: this.identity.runId, content: String(data.text ?? data.content ?? ''), workflow_agent: false, content_type: 'str' })];
      case 'node_finished':
        if (data.status === 'failed') return [this.event('StepError', { ...this.step(nodeId), error: JSON.stringify(data.error ?? null) })];
        return [this.event('StepCompleted', { ...this.step(nodeId), ...workflowContent(data.output) })];
      case 'done':
        return [this.event('WorkflowCompleted', { ...workflowContent(data.output), step_results: [], metrics: runMetrics(data.token_usage) })];
      case 'paused':
      case 'waiting':
        return [this.event('WorkflowPaused', { status: 'PAUSED', pause_kind: 'step', ...(data.node_id ? { paused_step_name: nodeId, paused_step_index: this.stepIndex.get(nodeId) ?? 0 } : {}) })];
      case 'error':
        if (data.error === 'RUN_CANCELLED') return [this.event('WorkflowCancelled', { reason: String(data.message ?? '') })];
        return [this.event('WorkflowError', { error: String(data.message ?? data.error ?? 'The workflow failed'), error_type: String(data.error ?? 'RUN_FAILED') })];
      default:
        return [];
    }
  }

  private step(nodeId: string) {
    return { step_id: nodeId, step_name: nodeId, step_index: this.stepIndex.get(nodeId) ?? 0 };
  }

  private event(name: string, extra: Record<string, unknown>): AgnoEvent {
    const { workflowId, workflowName, runId, sessionId } = this.identity;
    return { created_at: this.now(), event: name, workflow_id: workflowId, workflow_name: workflowName, session_id: sessionId, run_id: runId, nested_depth: 0, ...extra };
  }
}
