import type { Clock } from '../../platform/clock.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { AgentsService } from '../agents/agents.service.js';
import type { WorkflowExecutionsService } from '../workflow-executions/workflow-executions.service.js';
import type { WorkflowsService } from '../workflows/workflows.service.js';
import type { BatchExecuteBody, BatchResource } from './batch.schemas.js';

/** What one kind of resource offers to batch operations. */
interface BatchTarget {
  export(actor: Actor, id: string): Promise<object>;
  delete(actor: Actor, id: string): Promise<void>;
}

/** Runs `operation` on every id; ids that are not the caller's are listed instead of failing the batch. */
async function eachOwned<T>(ids: readonly string[], operation: (id: string) => Promise<T>) {
  const done: Array<{ id: string; value: T }> = [];
  const notFound: string[] = [];
  for (const id of ids) {
    try {
      done.push({ id, value: await operation(id) });
    } catch (error) {
      if (!isAppError(error) || error.category !== 'not_found') throw error;
      notFound.push(id);
    }
  }
  return { done, notFound };
}

/** Many at once: executions of one workflow, exports and deletions of workflows or agents. */
export class BatchService {
  private readonly targets: Record<BatchResource, BatchTarget>;

  constructor(private readonly deps: { executions: WorkflowExecutionsService; workflows: WorkflowsService; agents: AgentsService; clock: Clock }) {
    this.targets = { workflows: deps.workflows, agents: deps.agents };
  }

  async execute(actor: Actor, body: BatchExecuteBody) {
    const ids = await this.deps.executions.enqueueBatch(actor, body.workflow_id, body.inputs, body.concurrency);
    return { workflow_id: body.workflow_id, total: ids.length, concurrency: body.concurrency, execution_ids: ids };
  }

  async export(actor: Actor, resource: BatchResource, ids: readonly string[]) {
    const { done, notFound } = await eachOwned(ids, (id) => this.targets[resource].export(actor, id));
    return {
      format: 'tiangong.bundle' as const,
      format_version: 1 as const,
      exported_at: this.deps.clock.now().toISOString(),
      resource,
      items: done.map(({ value }) => value as Record<string, unknown>),
      not_found: notFound,
    };
  }

  async delete(actor: Actor, resource: BatchResource, ids: readonly string[]) {
    const { done, notFound } = await eachOwned(ids, (id) => this.targets[resource].delete(actor, id));
    return { resource, deleted: done.map(({ id }) => id), not_found: notFound };
  }
}
