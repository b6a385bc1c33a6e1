import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { Clock } from '../../platform/clock.js';
import type { ExecutionTrigger, WorkflowDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { RunRecord } from '../runs/runs.repository.js';
import type { RunSpec, RunsService, StartedRun } from '../runs/runs.service.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import { batchInputsInvalid, decisionRequired, executionWorkflowGone, executionNotFound, executionStateConflict, workflowDepthExceeded, workflowInputInvalid } from './workflow-executions.errors.js';
import type { ClaimedExecution, ExecutionRecord, NewExecution, WorkflowExecutionsRepository } from './workflow-executions.repository.js';
import { Batcher } from '../runs/batcher.js';
import type { NewRun } from '../runs/runs.repository.js';
import { ExecutionRunner } from './execution-runner.js';
import { ValidatedWorkflows, type WorkflowVersionRef } from './validated-workflows.js';
import { toExecutionView, type ExecutionView } from './workflow-executions.view.js';
import type { WorkflowPlatform } from './workflow-services.adapter.js';

/** The workflows the executions service reads: the caller's, current version. */
export interface WorkflowSource {
  require(actor: Actor, id: string): Promise<{ id: string; version: number; definition: WorkflowDefinition }>;
}

/** What the executions service is made of. */
export interface WorkflowExecutionsServiceDeps {
  repository: WorkflowExecutionsRepository;
  workflows: WorkflowSource;
  runs: RunsService;
  registry: NodeTypeRegistry;
  platform: WorkflowPlatform;
  clock: Clock;
  ids: IdGenerator;
  jobs: JobQueue;
  events: EventBus;
  /** Nodes of one execution that run at once. */
  concurrency?: number;
  /** Queued (async, webhook, batch) executions that run at once in this process. */
  queueConcurrency?: number;
}

/**
 * The workflow to execute: its id (the caller's workflow, read here), or the workflow a caller has
 * just read and checked itself (a webhook, after its secret), so it is not read twice.
 */
export type WorkflowTarget = string | WorkflowVersionRef;

/** How an execution is started. */
export interface StartOptions {
  input: Record<string, unknown>;
  trigger: ExecutionTrigger;
  parentRunId?: string | null;
}

/** The bus topic of pause requests: the instance running the execution stops starting nodes. */
export const PAUSE_TOPIC = 'workflow-executions:pause';
interface PauseMessage {
  runId: string;
}

/** The job that starts a queued execution. */
const EXECUTION_JOB = 'workflow-execution';
interface QueuedExecution {
  runId: string;
}

/** The job that runs a batch's executions, a few at a time. */
const BATCH_JOB = 'workflow-batch';
interface QueuedBatch {
  runIds: string[];
  concurrency: number;
}

/** Runs `work` for every id, at most `concurrency` at once; one failing does not stop the others. */
async function runPooled(ids: readonly string[], concurrency: number, work: (id: string) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      await work(id).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
}

/** How deep sub-workflows may nest. */
const SUB_WORKFLOW_DEPTH_LIMIT = 5;

/**
 * Workflow executions as durable runs (kind `workflow`): started sync, async or streamed; their
 * steps stored as they end (a node with effects only once every earlier step is stored: ADR
 * 0004); paused, resumed (with a decision for a waiting approval) and cancelled; and, when the
 * process dies, taken over from the last completed node.
 */
export class WorkflowExecutionsService {
  private readonly runner: ExecutionRunner;
  private readonly validated: ValidatedWorkflows;
  /** New runs with their execution rows, stored in groups: a burst of calls shares statements. */
  private readonly inserts: Batcher<{ run: NewRun; execution: NewExecution }>;
  /** Queued executions claimed in groups: the jobs that start at once share one statement. */
  private readonly claims: Batcher<string, ClaimedExecution | null>;

  constructor(private readonly deps: WorkflowExecutionsServiceDeps) {
    this.runner = new ExecutionRunner({ ...deps, runChild: (actor, parentRunId, options) => this.runToEnd(actor, { ...options, parentRunId }) });
    this.validated = new ValidatedWorkflows(deps.registry);
    this.inserts = new Batcher(async (rows) => {
      await deps.repository.insertWithRuns(rows);
      return rows.map((): void => undefined);
    });
    this.claims = new Batcher(async (runIds) => {
      const claimed = await deps.repository.claimQueued(runIds, deps.clock.now());
      return runIds.map((runId) => claimed.get(runId) ?? null);
    });
    deps.runs.registerResumable('workflow', (record) => this.takeOver(record));
    deps.jobs.register<QueuedExecution>(EXECUTION_JOB, (job) => this.runQueued(job.payload.runId), { concurrency: deps.queueConcurrency ?? 8 });
    deps.jobs.register<QueuedBatch>(BATCH_JOB, (job) => runPooled(job.payload.runIds, job.payload.concurrency, (runId) => this.runQueued(runId)), {
      concurrency: deps.queueConcurrency ?? 8,
    });
  }

  /** Checks the workflow and its input, then starts an execution of its current version in this process. */
  async start(actor: Actor, target: WorkflowTarget, options: StartOptions): Promise<StartedRun> {
    const { workflow, runSpec } = await this.prepare(actor, target, options);
    return this.deps.runs.start(actor, runSpec, this.runner.executor({ actor, definition: workflow.definition, input: options.input, fresh: true }));
  }

  /**
   * Checks the workflow and its input, stores the execution as `pending` and queues it: a job
   * starts it when the queue has room (WORKFLOW_QUEUE_CONCURRENCY at once), so a burst of async
   * executions or webhook calls waits its turn instead of overloading the process.
   */
  async enqueue(actor: Actor, target: WorkflowTarget, options: StartOptions): Promise<string> {
    const { runSpec } = await this.prepare(actor, target, options);
    await this.deps.runs.enqueue(actor, runSpec);
    await this.deps.jobs.enqueue<QueuedExecution>(EXECUTION_JOB, { runId: runSpec.id }, { attempts: 1 });
    return runSpec.id;
  }

  /**
   * Many executions of one workflow (trigger `batch`): every input is checked first, so none starts
   * when one is bad; then they are stored as pending and run `concurrency` at a time by one job.
   */
  async enqueueBatch(actor: Actor, workflowId: string, inputs: Array<Record<string, unknown>>, concurrency: number): Promise<string[]> {
    const { workflow, inputProblems } = await this.checkedWorkflow(actor, workflowId);
    const invalid = inputs.map((input, index) => ({ index, problems: inputProblems(input) })).filter(({ problems }) => problems.length > 0);
    if (invalid.length > 0) throw batchInputsInvalid(invalid);
    // All at once, so their rows share statements (the inserts are grouped); in input order.
    const stored = await Promise.allSettled(inputs.map((input) => this.deps.runs.enqueue(actor, this.runSpec(actor, workflow, { input, trigger: 'batch' }))));
    const runIds = stored.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    // The ones stored run even when another could not be: none is left pending with no job.
    if (runIds.length > 0) await this.deps.jobs.enqueue<QueuedBatch>(BATCH_JOB, { runIds, concurrency }, { attempts: 1 });
    const failed = stored.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    return runIds;
  }

  private async prepare(actor: Actor, target: WorkflowTarget, options: StartOptions) {
    const { workflow, inputProblems } = await this.checkedWorkflow(actor, target);
    const problems = inputProblems(options.input);
    if (problems.length > 0) throw workflowInputInvalid(problems);
    return { workflow, runSpec: this.runSpec(actor, workflow, options) };
  }

  /** The caller's workflow, its graph valid (checked once per version), and how an input fits its start node. */
  private async checkedWorkflow(actor: Actor, target: WorkflowTarget) {
    const workflow = typeof target === 'string' ? await this.deps.workflows.require(actor, target) : target;
    return { workflow, inputProblems: this.validated.check(workflow) };
  }

  /** A new run of the workflow; its execution row is inserted with it, in one statement. */
  private runSpec(actor: Actor, workflow: { id: string; version: number }, options: StartOptions): RunSpec & { id: string } {
    const id = this.deps.ids.uuid();
    const input = { workflow_id: workflow.id, workflow_version: workflow.version, input: options.input };
    const execution = { runId: id, workflowId: workflow.id, ownerId: actor.userId, workflowVersion: workflow.version, trigger: options.trigger, input: options.input };
    return {
      id,
      kind: 'workflow',
      parentRunId: options.parentRunId ?? null,
      input,
      insert: (run) => this.inserts.run({ run, execution: { ...execution, now: run.createdAt ?? this.deps.clock.now() } }),
    };
  }

  /**
   * The job of a queued execution: claim it (pending to running, reading its version in the same
   * statement) and run it here. A run no longer pending was cancelled or taken over meanwhile;
   * one whose execution is gone lost it when its workflow was deleted, and ends here. The job (and
   * its place in the queue) ends when the execution's nodes have: its last write, which waits for
   * no node, goes on while the next queued execution starts.
   */
  private async runQueued(runId: string): Promise<void> {
    let nodesEnded: () => void = () => undefined;
    const executed = new Promise<void>((resolve) => (nodesEnded = resolve));
    const started = await this.deps.runs.resumeClaimed(runId, async () => {
      const claimed = await this.claims.run(runId);
      if (!claimed) return null;
      const actor: Actor = { userId: claimed.ownerId, role: 'user' };
      const executor = this.runner.executor({ actor, definition: claimed.definition, input: claimed.input, fresh: true });
      return { record: claimed.run, executor: (context) => executor(context).finally(nodesEnded) };
    });
    if (!started) return this.deps.runs.abandon(runId, executionWorkflowGone(runId));
    await Promise.race([executed, started.settled]);
  }

  async get(actor: Actor, runId: string): Promise<ExecutionView> {
    const execution = await this.require(actor, runId);
    return toExecutionView(execution, await this.deps.repository.steps(runId));
  }

  /** Stops starting nodes; the running ones finish, then the execution is `paused`. */
  async pause(actor: Actor, runId: string): Promise<ExecutionView> {
    const execution = await this.require(actor, runId);
    if (execution.run.status !== 'running') throw executionStateConflict(runId, execution.run.status, 'pause');
    // Through the bus, so the instance that runs the execution hears it (this one included).
    await this.deps.events.publish<PauseMessage>(PAUSE_TOPIC, { runId });
    return this.get(actor, runId);
  }

  /** Listens for pause requests from every instance; call once before executions start. */
  async open(): Promise<void> {
    await this.deps.events.subscribe<PauseMessage>(PAUSE_TOPIC, ({ runId }) => void this.runner.pause(runId));
  }

  /** Continues a paused execution, or a waiting one with the decision its node waits for. */
  async resume(actor: Actor, runId: string, decision?: Record<string, unknown>) {
    const execution = await this.require(actor, runId);
    const { status } = execution.run;
    if (status !== 'paused' && status !== 'waiting_approval') throw executionStateConflict(runId, status, 'resume');
    if (status === 'waiting_approval' && !decision) throw decisionRequired(execution.waitingNodeId ?? '?');
    const definition = await this.definitionOf(execution);
    const resumeData = status === 'waiting_approval' && decision ? { nodeId: execution.waitingNodeId!, data: decision } : undefined;
    const started = await this.deps.runs.resume(runId, this.runner.executor({ actor, definition, input: execution.input, resumeData }), [status]);
    if (!started) throw executionStateConflict(runId, status, 'resume twice');
    await this.deps.repository.setWaiting(runId, null);
    return started;
  }

  async cancel(actor: Actor, runId: string): Promise<ExecutionView> {
    const execution = await this.require(actor, runId);
    await this.deps.runs.cancel(actor, runId);
    if (execution.waitingNodeId) await this.deps.repository.setWaiting(runId, null);
    return this.get(actor, runId);
  }

  private async require(actor: Actor, runId: string): Promise<ExecutionRecord> {
    const execution = await this.deps.repository.find(actor.userId, runId);
    if (!execution) throw executionNotFound(runId);
    return execution;
  }

  private async definitionOf(execution: ExecutionRecord): Promise<WorkflowDefinition> {
    const definition = await this.deps.repository.version(execution.workflowId, execution.workflowVersion);
    if (!definition) throw executionNotFound(execution.runId);
    return definition;
  }

  /** A run left running by a dead process: continue it from its stored steps. */
  private async takeOver(record: RunRecord): Promise<void> {
    // A queued execution whose process died never started: it starts now, here.
    if (record.status === 'pending') return this.runQueued(record.id);
    const execution = await this.deps.repository.findAny(record.id);
    if (!execution) throw new Error(`run ${record.id} has no workflow execution`);
    const actor: Actor = { userId: execution.ownerId, role: 'user' };
    await this.deps.runs.continue(execution.run, this.runner.executor({ actor, definition: await this.definitionOf(execution), input: execution.input }));
  }

  /**
   * An execution run to its end for a caller that waits (a sub-workflow node, the `run_workflow`
   * tool): a child of `parentRunId` when given, within the nesting limit; aborting `signal`
   * cancels it; one that does not succeed is an error.
   */
  async runToEnd(actor: Actor, options: { workflowId: string; input: Record<string, unknown>; signal: AbortSignal; parentRunId?: string | null | undefined }) {
    const parentRunId = options.parentRunId ?? null;
    if (parentRunId && (await this.deps.runs.depthOf(parentRunId)) + 1 >= SUB_WORKFLOW_DEPTH_LIMIT) throw workflowDepthExceeded(SUB_WORKFLOW_DEPTH_LIMIT);
    const started = await this.start(actor, options.workflowId, { input: options.input, trigger: 'api', parentRunId });
    const abort = () => void this.deps.runs.cancel(actor, started.id).catch(() => undefined);
    options.signal.addEventListener('abort', abort, { once: true });
    const settled = await started.settled.finally(() => options.signal.removeEventListener('abort', abort));
    if (settled.error) throw settled.error;
    if (settled.status !== 'succeeded') throw executionStateConflict(started.id, settled.status, 'finish as a sub-workflow');
    const usage = (await this.deps.runs.get(actor, started.id)).token_usage;
    return { executionId: started.id, output: settled.output ?? {}, usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
  }
}
