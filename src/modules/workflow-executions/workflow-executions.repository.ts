import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
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
import { appendEventsClauses, insertRunsClause, reopenClause, runFromJson, type CompanionWrite } from '../runs/run-clauses.repository.js';
import type { StoredRunEvent } from '../runs/runs.contract.js';
import type { NewRun, RunRecord } from '../runs/runs.repository.js';

/** An execution with its run's state. */
export type ExecutionRecord = typeof workflowExecutions.$inferSelect & { run: typeof runs.$inferSelect };

/** A new execution's row. */
export interface NewExecution {
  runId: string;
  workflowId: string;
  ownerId: string;
  workflowVersion: number;
  trigger: ExecutionTrigger;
  input: Record<string, unknown>;
  now: Date;
}

/** A queued execution just claimed: its run (now running) and what its executor needs. */
export interface ClaimedExecution {
  run: RunRecord;
  ownerId: string;
  input: Record<string, unknown>;
  definition: WorkflowDefinition;
}

/** Where an execution waits, as its row keeps it. */
export type Waiting = { nodeId: string; request: Record<string, unknown> } | null;

/** Executions, their steps, and the workflow versions they run. */
export class WorkflowExecutionsRepository {
  constructor(private readonly db: Database) {}

  /** Inserts new runs and their execution rows in one statement. */
  async insertWithRuns(rows: ReadonlyArray<{ run: NewRun; execution: NewExecution }>): Promise<void> {
    const executions = rows.map(({ execution }) => ({
      run_id: execution.runId,
      workflow_id: execution.workflowId,
      owner_id: execution.ownerId,
      workflow_version: execution.workflowVersion,
      trigger: execution.trigger,
      input: execution.input,
      created_at: execution.now.toISOString(),
    }));
    await this.db.execute(sql`with ${insertRunsClause(rows.map(({ run }) => run))}
      insert into ${workflowExecutions} (run_id, workflow_id, owner_id, workflow_version, trigger, input, created_at)
      select * from jsonb_to_recordset(${JSON.stringify(executions)}::jsonb)
        as x(run_id uuid, workflow_id uuid, owner_id uuid, workflow_version int, trigger text, input jsonb, created_at timestamptz)`);
  }

  /**
   * Moves queued executions' runs from pending to running and reads each one's owner, input and
   * workflow version, in one statement. A run no longer pending (cancelled, started elsewhere) or
   * whose execution is gone (its workflow was deleted) is left as it is and missing from the answer.
   */
  async claimQueued(runIds: readonly string[], now: Date): Promise<Map<string, ClaimedExecution>> {
    const found = sql`select 1 from ${workflowExecutions} e join ${workflowVersions} v on v.workflow_id = e.workflow_id and v.version = e.workflow_version
      where e.run_id = ${runs}.id`;
    const result = (await this.db.execute(sql`with ${reopenClause({ ids: runIds, from: ['pending'], now, also: sql`exists (${found})` })}
      select to_jsonb(r) as run, e.owner_id, e.input, v.definition
      from reopened r join ${workflowExecutions} e on e.run_id = r.id
        join ${workflowVersions} v on v.workflow_id = e.workflow_id and v.version = e.workflow_version`)) as unknown as {
      rows: Array<{ run: Record<string, unknown>; owner_id: string; input: Record<string, unknown>; definition: WorkflowDefinition }>;
    };
    const claimed = result.rows.map((row) => ({ run: runFromJson(row.run), ownerId: row.owner_id, input: row.input, definition: row.definition }));
    return new Map(claimed.map((execution) => [execution.run.id, execution]));
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

  /** Stores one step (a waiting step is replaced when its node finishes on resume). */
  async saveStep(runId: string, step: StepRecord, events: readonly StoredRunEvent[] = []): Promise<void> {
    await this.saveSteps(runId, [step], events);
  }

  /**
   * Stores steps (a waiting step is replaced when its node finishes on resume) and, in the same
   * statement, the run's events not stored yet: one commit for a batch of nodes and their events.
   */
  async saveSteps(runId: string, steps: readonly StepRecord[], events: readonly StoredRunEvent[] = []): Promise<void> {
    if (steps.length === 0 && events.length === 0) return;
    const clauses = [...(events.length > 0 ? [appendEventsClauses(runId, [...events])] : []), ...(steps.length > 0 ? [upsertStepsClause(runId, steps)] : [])];
    await this.db.execute(sql`with ${sql.join(clauses, sql`, `)} select 1`);
  }

  /**
   * The writes that go with an execution's outcome, in the run's final statement: its steps not
   * stored yet, and where it waits (when it waits). Undefined when there is nothing to write.
   */
  outcomeClauses(runId: string, steps: readonly StepRecord[], waiting: Waiting): CompanionWrite | undefined {
    if (steps.length === 0 && !waiting) return undefined;
    return (prefix) => {
      const clauses = steps.length > 0 ? [upsertStepsClause(runId, steps, `${prefix}stored_steps`)] : [];
      if (waiting) {
        clauses.push(sql`${sql.raw(`${prefix}waiting_set`)} as (update ${workflowExecutions} set waiting_node_id = ${waiting.nodeId},
          waiting_request = ${JSON.stringify(waiting.request)}::jsonb where run_id = ${runId} returning run_id)`);
      }
      return sql.join(clauses, sql`, `);
    };
  }

  async steps(runId: string): Promise<StepRecord[]> {
    const rows = await this.db.select().from(workflowSteps).where(eq(workflowSteps.runId, runId)).orderBy(asc(workflowSteps.startedAt));
    return rows.map(({ runId: _runId, ...step }) => ({ ...step, status: step.status as StepRecord['status'] }));
  }

  async setWaiting(runId: string, waiting: Waiting): Promise<void> {
    await this.db
      .update(workflowExecutions)
      .set({ waitingNodeId: waiting?.nodeId ?? null, waitingRequest: waiting?.request ?? null })
      .where(eq(workflowExecutions.runId, runId));
  }
}

/**
 * A WITH clause `name` (an identifier of ours) that upserts steps, all passed as one JSON
 * parameter. A node appears once per statement (PostgreSQL refuses to update one row twice): its
 * last step wins.
 */
function upsertStepsClause(runId: string, steps: readonly StepRecord[], name = 'stored_steps'): SQL {
  const latest = new Map(steps.map((step) => [step.nodeId, step]));
  const rows = [...latest.values()].map((step) => ({
    node_id: step.nodeId,
    node_type: step.nodeType,
    status: step.status,
    input: step.input ?? null,
    output: step.output,
    branch: step.branch,
    error: step.error,
    attempts: step.attempts,
    usage: step.usage,
    started_at: step.startedAt.toISOString(),
    finished_at: step.finishedAt.toISOString(),
  }));
  return sql`${sql.raw(name)} as (insert into ${workflowSteps} (run_id, node_id, node_type, status, input, output, branch, error, attempts, usage, started_at, finished_at)
    select ${runId}::uuid, s.* from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as s(node_id text, node_type text, status text, input jsonb, output jsonb, branch text, error jsonb, attempts int, usage jsonb,
           started_at timestamptz, finished_at timestamptz)
    on conflict (run_id, node_id) do update set node_type = excluded.node_type, status = excluded.status, input = excluded.input,
      output = excluded.output, branch = excluded.branch, error = excluded.error, attempts = excluded.attempts,
      usage = excluded.usage, started_at = excluded.started_at, finished_at = excluded.finished_at
    returning node_id)`;
}
