import { and, asc, eq, sql } from 'drizzle-orm';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import type { Database } from '../../platform/db/database.js';
import {
  runs,
  workflowExecutions,
  workflowSteps,
  workflowVersions,
  type ExecutionTrigger,
  type WorkflowDefinition,
} from '../../platform/db/schema/index.js';
import type { StoredRunEvent } from '../runs/runs.contract.js';
import { appendEventsClauses } from '../runs/runs.repository.js';

/** An execution with its run's state. */
export type ExecutionRecord = typeof workflowExecutions.$inferSelect & { run: typeof runs.$inferSelect };

/** Executions, their steps, and the workflow versions they run. */
export class WorkflowExecutionsRepository {
  constructor(private readonly db: Database) {}

  async insert(row: {
    runId: string;
    workflowId: string;
    ownerId: string;
    workflowVersion: number;
    trigger: ExecutionTrigger;
    input: Record<string, unknown>;
    now: Date;
  }): Promise<void> {
    await this.db.insert(workflowExecutions).values({ ...row, createdAt: row.now });
  }

  /** The owner's execution (null for anyone else's). */
  async find(ownerId: string, runId: string): Promise<ExecutionRecord | null> {
    return this.findWhere(and(eq(workflowExecutions.runId, runId), eq(workflowExecutions.ownerId, ownerId)));
  }

  /** Any execution, for taking over a run whose process died. */
  async findAny(runId: string): Promise<ExecutionRecord | null> {
    return this.findWhere(eq(workflowExecutions.runId, runId));
  }

  private async findWhere(where: ReturnType<typeof eq> | undefined): Promise<ExecutionRecord | null> {
    const rows = await this.db
      .select({ execution: workflowExecutions, run: runs })
      .from(workflowExecutions)
      .innerJoin(runs, eq(runs.id, workflowExecutions.runId))
      .where(where)
      .limit(1);
    const row = rows[0];
    return row ? { ...row.execution, run: row.run } : null;
  }

  /** The definition of one version of a workflow. */
  async version(workflowId: string, version: number): Promise<WorkflowDefinition | null> {
    const rows = await this.db
      .select({ definition: workflowVersions.definition })
      .from(workflowVersions)
      .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
    return rows[0]?.definition ?? null;
  }

  /**
   * Stores a step (a waiting step is replaced when its node finishes on resume) and, in the same
   * statement, the run's events not stored yet: one commit per node instead of two.
   */
  async saveStep(runId: string, step: StepRecord, events: readonly StoredRunEvent[] = []): Promise<void> {
    const row = { runId, ...step, input: step.input ?? null };
    const upsert = this.db.insert(workflowSteps).values(row).onConflictDoUpdate({ target: [workflowSteps.runId, workflowSteps.nodeId], set: row });
    if (events.length === 0) await upsert;
    else await this.db.execute(sql`with ${appendEventsClauses(runId, [...events])} ${upsert.getSQL()}`);
  }

  async steps(runId: string): Promise<StepRecord[]> {
    const rows = await this.db.select().from(workflowSteps).where(eq(workflowSteps.runId, runId)).orderBy(asc(workflowSteps.startedAt));
    return rows.map(({ runId: _runId, ...step }) => ({ ...step, status: step.status as StepRecord['status'] }));
  }

  async setWaiting(runId: string, waiting: { nodeId: string; request: Record<string, unknown> } | null): Promise<void> {
    await this.db
      .update(workflowExecutions)
      .set({ waitingNodeId: waiting?.nodeId ?? null, waitingRequest: waiting?.request ?? null })
      .where(eq(workflowExecutions.runId, runId));
  }
}
