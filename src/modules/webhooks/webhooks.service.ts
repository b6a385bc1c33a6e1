import type { Actor } from '../../platform/http/authenticate.js';
import { Batcher } from '../runs/batcher.js';
import { settledWithin } from '../runs/runs.service.js';
import type { WorkflowExecutionsService } from '../workflow-executions/workflow-executions.service.js';
import type { WorkflowRecord } from '../workflows/workflows.repository.js';
import { workflowNotFound } from '../workflows/workflows.errors.js';
import type { WorkflowsService } from '../workflows/workflows.service.js';
import { webhookCredentialProblem } from './webhook-signature.js';
import { webhookUnauthorized } from './webhooks.errors.js';

/** Which workflow a webhook call is for. */
export type WebhookTarget = { workflowId: string } | { ownerId: string; name: string };

/** A webhook call: how it proves itself, and what it asks. */
export interface WebhookCall {
  secret?: string;
  signature?: string;
  rawBody: Buffer;
  input: Record<string, unknown>;
  mode: 'async' | 'sync';
  timeoutMs: number;
}

/** What a webhook call answers: the execution id at once (async), or its outcome (sync). */
export interface WebhookAnswer {
  statusCode: 200 | 202;
  body: {
    execution_id: string;
    status: string;
    output: Record<string, unknown> | null;
    error: { code: string; message: string } | null;
  };
}

/**
 * Workflow triggers from other systems: no user token, the workflow's webhook secret instead.
 * The execution runs as the workflow's owner, recorded with trigger `webhook`.
 */
export class WebhooksService {
  /**
   * Workflow lookups in batches: calls for the same workflow that arrive together share one read
   * (a burst of webhooks usually targets one workflow). A batch starts after its calls arrived, so
   * each still sees the workflow as it is then (a rotated secret, a deleted workflow).
   */
  private readonly lookups = new Batcher<WebhookTarget, WorkflowRecord | null>(async (targets) => {
    const reads = new Map<string, Promise<WorkflowRecord | null>>();
    for (const target of targets) if (!reads.has(keyOf(target))) reads.set(keyOf(target), this.read(target));
    return Promise.all(targets.map((target) => reads.get(keyOf(target))!));
  });

  constructor(private readonly deps: { workflows: WorkflowsService; executions: WorkflowExecutionsService }) {}

  async trigger(target: WebhookTarget, call: WebhookCall): Promise<WebhookAnswer> {
    const workflow = await this.find(target);
    const problem = webhookCredentialProblem(this.deps.workflows.webhookSecret(workflow), call);
    if (problem) throw webhookUnauthorized(problem);
    const owner: Actor = { userId: workflow.ownerId, role: 'user' };
    const start = { input: call.input, trigger: 'webhook' as const };
    if (call.mode === 'async') {
      const id = await this.deps.executions.enqueue(owner, workflow, start);
      return { statusCode: 202, body: { execution_id: id, status: 'pending', output: null, error: null } };
    }
    const started = await this.deps.executions.start(owner, workflow, start);
    const settled = await settledWithin(started.settled, call.timeoutMs);
    if (!settled) return { statusCode: 202, body: { execution_id: started.id, status: 'running', output: null, error: null } };
    const error = settled.error ? { code: settled.error.code, message: settled.error.message } : null;
    return { statusCode: 200, body: { execution_id: started.id, status: settled.status, output: settled.output, error } };
  }

  private async find(target: WebhookTarget): Promise<WorkflowRecord> {
    const workflow = await this.lookups.run(target);
    if (!workflow) throw workflowNotFound('workflowId' in target ? target.workflowId : target.name);
    return workflow;
  }

  private read(target: WebhookTarget): Promise<WorkflowRecord | null> {
    const { workflows } = this.deps;
    return 'workflowId' in target ? workflows.findById(target.workflowId) : workflows.findByName(target.ownerId, target.name);
  }
}

/** One key per workflow a target names (by id, or by owner and name). */
function keyOf(target: WebhookTarget): string {
  return 'workflowId' in target ? `id:${target.workflowId}` : `name:${target.ownerId}/${target.name}`;
}
