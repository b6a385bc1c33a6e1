import { runWorkflow, type WorkflowEvent, type WorkflowResult } from '../../engine/workflow/executor.js';
import type { WorkflowGraph } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import type { Clock } from '../../platform/clock.js';
import type { ExecutionTrigger, WorkflowDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { RunRecord } from '../runs/runs.repository.js';
import type { RunContext, RunExecutor, RunOutcome, RunsService, StartedRun } from '../runs/runs.service.js';
import type { JobQueue } from '../../platform/jobs/job-queue.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import { batchInputsInvalid, decisionRequired, executionWorkflowGone, executionNotFound, executionStateConflict, workflowDepthExceeded, workflowInputInvalid, workflowInvalid, workflowNodeFailed } from './workflow-executions.errors.js';
import { checkStartInput } from '../../engine/workflow/nodes/start.node.js';
import type { ExecutionRecord, WorkflowExecutionsRepository } from './workflow-executions.repository.js';
import { toExecutionView, type ExecutionView } from './workflow-executions.view.js';
import { workflowServices, type WorkflowPlatform } from './workflow-services.adapter.js';

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
export type WorkflowTarget = string | { id: string; version: number; definition: WorkflowDefinition };

/** How an execution is started. */
export interface StartOptions {
  input: Record<string, unknown>;
  trigger: ExecutionTrigger;
  parentRunId?: string | null;
}

/** The bus topic of pause requests: the instance running the execution stops starting nodes. */
const PAUSE_TOPIC = 'workflow-executions:pause';
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

/** The wire name and data of an engine event (the one place where the names change). */
function wireEvent(event: WorkflowEvent): { name: string; data: Record<string, unknown> } {
  if (event.type === 'node-start') return { name: 'node_started', data: { node_id: event.nodeId, node_type: event.nodeType } };
  if (event.type === 'node-progress') return { name: `node_${event.event}`, data: { node_id: event.nodeId, ...event.data } };
  const { step } = event;
  return {
    name: 'node_finished',
    data: {
      node_id: step.nodeId,
      node_type: step.nodeType,
      status: step.status,
      output: step.output,
      branch: step.branch,
      error: step.error,
      attempts: step.attempts,
      duration_ms: step.finishedAt.getTime() - step.startedAt.getTime(),
      usage: step.usage,
    },
  };
}

/**
 * Workflow executions as durable runs (kind `workflow`): started sync, async or streamed; every
 * node's step stored as it ends; paused, resumed (with a decision for a waiting approval) and
 * cancelled; and, when the process dies, taken over from the last completed node.
 */
export class WorkflowExecutionsService {
  private readonly pauses = new Map<string, AbortController>();

  constructor(private readonly deps: WorkflowExecutionsServiceDeps) {
    deps.runs.registerResumable('workflow', (record) => this.takeOver(record));
    deps.jobs.register<QueuedExecution>(EXECUTION_JOB, (job) => this.runQueued(job.payload.runId), { concurrency: deps.queueConcurrency ?? 8 });
    deps.jobs.register<QueuedBatch>(BATCH_JOB, (job) => runPooled(job.payload.runIds, job.payload.concurrency, (runId) => this.runQueued(runId)), {
      concurrency: deps.queueConcurrency ?? 8,
    });
  }

  /** Checks the workflow and its input, then starts an execution of its current version in this process. */
  async start(actor: Actor, target: WorkflowTarget, options: StartOptions): Promise<StartedRun> {
    const { workflow, runSpec } = await this.prepare(actor, target, options);
    const started = await this.deps.runs.start(actor, runSpec, this.executor(actor, workflow.definition, options.input, { fresh: true }));
    await this.record(actor, runSpec.id, workflow, options);
    return started;
  }

  /**
   * Checks the workflow and its input, stores the execution as `pending` and queues it: a job
   * starts it when the queue has room (WORKFLOW_QUEUE_CONCURRENCY at once), so a burst of async
   * executions or webhook calls waits its turn instead of overloading the process.
   */
  async enqueue(actor: Actor, target: WorkflowTarget, options: StartOptions): Promise<string> {
    const { workflow, runSpec } = await this.prepare(actor, target, options);
    await this.deps.runs.enqueue(actor, runSpec);
    await this.record(actor, runSpec.id, workflow, options);
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
    const runIds: string[] = [];
    for (const input of inputs) {
      const options = { input, trigger: 'batch' as const };
      const runSpec = this.runSpec(workflow, options);
      await this.deps.runs.enqueue(actor, runSpec);
      await this.record(actor, runSpec.id, workflow, options);
      runIds.push(runSpec.id);
    }
    await this.deps.jobs.enqueue<QueuedBatch>(BATCH_JOB, { runIds, concurrency }, { attempts: 1 });
    return runIds;
  }

  private async prepare(actor: Actor, target: WorkflowTarget, options: StartOptions) {
    const { workflow, inputProblems } = await this.checkedWorkflow(actor, target);
    const problems = inputProblems(options.input);
    if (problems.length > 0) throw workflowInputInvalid(problems);
    return { workflow, runSpec: this.runSpec(workflow, options) };
  }

  /** The caller's workflow, its graph valid, and how an input fits its start node. */
  private async checkedWorkflow(actor: Actor, target: WorkflowTarget) {
    const workflow = typeof target === 'string' ? await this.deps.workflows.require(actor, target) : target;
    const graph = workflow.definition.graph as unknown as WorkflowGraph;
    const issues = validateWorkflow(graph, { registry: this.deps.registry, envNames: Object.keys(workflow.definition.environment) });
    if (issues.length > 0) throw workflowInvalid(issues);
    const start = graph.nodes.find((node) => node.type === 'start');
    return { workflow, inputProblems: (input: Record<string, unknown>) => checkStartInput(start?.config, input).problems };
  }

  private runSpec(workflow: { id: string; version: number }, options: StartOptions) {
    const input = { workflow_id: workflow.id, workflow_version: workflow.version, input: options.input };
    return { id: this.deps.ids.uuid(), kind: 'workflow' as const, parentRunId: options.parentRunId ?? null, input };
  }

  private async record(actor: Actor, runId: string, workflow: { id: string; version: number }, options: StartOptions): Promise<void> {
    await this.deps.repository.insert({
      runId,
      workflowId: workflow.id,
      ownerId: actor.userId,
      workflowVersion: workflow.version,
      trigger: options.trigger,
      input: options.input,
      now: this.deps.clock.now(),
    });
  }

  /** The job of a queued execution: run it here unless it was cancelled meanwhile. */
  private async runQueued(runId: string): Promise<void> {
    const execution = await this.deps.repository.findAny(runId);
    // Deleting the workflow deletes its executions; their queued runs end here.
    const definition = execution ? await this.deps.repository.version(execution.workflowId, execution.workflowVersion) : null;
    if (!execution || !definition) return this.deps.runs.abandon(runId, executionWorkflowGone(runId));
    const actor: Actor = { userId: execution.ownerId, role: 'user' };
    const started = await this.deps.runs.resume(runId, this.executor(actor, definition, execution.input, { fresh: true }), ['pending']);
    await started?.settled;
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
    await this.deps.events.subscribe<PauseMessage>(PAUSE_TOPIC, ({ runId }) => this.pauses.get(runId)?.abort());
  }

  /** Continues a paused execution, or a waiting one with the decision its node waits for. */
  async resume(actor: Actor, runId: string, decision?: Record<string, unknown>) {
    const execution = await this.require(actor, runId);
    const { status } = execution.run;
    if (status !== 'paused' && status !== 'waiting_approval') throw executionStateConflict(runId, status, 'resume');
    if (status === 'waiting_approval' && !decision) throw decisionRequired(execution.waitingNodeId ?? '?');
    const definition = await this.definitionOf(execution);
    const resumeData = status === 'waiting_approval' && decision ? { nodeId: execution.waitingNodeId!, data: decision } : null;
    const started = await this.deps.runs.resume(runId, this.executor(actor, definition, execution.input, resumeData ? { resumeData } : {}), [status]);
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
    await this.deps.runs.continue(execution.run, this.executor(actor, await this.definitionOf(execution), execution.input, {}));
  }

  /**
   * The work of one run of an execution. `fresh`: the run has never executed (just started, or
   * queued until now), so it has no stored steps to read back; `resumeData`: the decision a
   * waiting node gets.
   */
  private executor(
    actor: Actor,
    definition: WorkflowDefinition,
    input: Record<string, unknown>,
    { fresh = false, resumeData }: { fresh?: boolean; resumeData?: { nodeId: string; data: Record<string, unknown> } },
  ): RunExecutor {
    return async (context) => {
      const stored = fresh ? [] : await this.deps.repository.steps(context.runId);
      const completed = new Map(stored.map((step): [string, StepRecord] => [step.nodeId, step]));
      const pause = new AbortController();
      this.pauses.set(context.runId, pause);
      if (completed.size === 0) context.emit('workflow_started', { execution_id: context.runId });
      try {
        const result = await runWorkflow({
          graph: definition.graph as unknown as WorkflowGraph,
          input,
          registry: this.deps.registry,
          services: workflowServices(this.deps.platform, { actor, runId: context.runId, runWorkflow: (options) => this.runChild(actor, context.runId, options) }),
          env: definition.environment,
          checkpoint: {
            completed,
            // The step and the events before it (its node_finished included) in one statement.
            record: (step) => context.checkpoint((events) => this.deps.repository.saveStep(context.runId, step, events)),
          },
          signal: context.signal,
          pauseSignal: pause.signal,
          emit: (event) => {
            const wire = wireEvent(event);
            context.emit(wire.name, wire.data);
          },
          concurrency: this.deps.concurrency ?? 4,
          ...(resumeData ? { resumeData } : {}),
          now: () => this.deps.clock.now(),
        });
        return await this.outcome(context, result);
      } finally {
        this.pauses.delete(context.runId);
      }
    };
  }

  private async outcome(context: RunContext, result: WorkflowResult): Promise<RunOutcome> {
    const usage = result.usage;
    switch (result.status) {
      case 'succeeded':
        context.emit('done', { status: 'succeeded', output: result.output, token_usage: usage, execution_id: context.runId });
        return { output: result.output, usage };
      case 'paused':
        context.emit('paused', { execution_id: context.runId });
        return { output: {}, usage, status: 'paused' };
      case 'waiting':
        await this.deps.repository.setWaiting(context.runId, result.waiting);
        context.emit('waiting', { node_id: result.waiting!.nodeId, request: result.waiting!.request });
        return { output: {}, usage, status: 'waiting_approval' };
      case 'cancelled':
        throw context.signal.reason;
      case 'failed':
        throw workflowNodeFailed(result.error!);
    }
  }

  /** A sub-workflow: a child execution, run to its end. */
  private async runChild(actor: Actor, parentRunId: string, options: { workflowId: string; input: Record<string, unknown>; signal: AbortSignal }) {
    if ((await this.deps.runs.depthOf(parentRunId)) + 1 >= SUB_WORKFLOW_DEPTH_LIMIT) throw workflowDepthExceeded(SUB_WORKFLOW_DEPTH_LIMIT);
    const started = await this.start(actor, options.workflowId, { input: options.input, trigger: 'api', parentRunId });
    const abort = () => void this.deps.runs.cancel(actor, started.id).catch(() => undefined);
    options.signal.addEventListener('abort', abort, { once: true });
    const settled = await started.settled.finally(() => options.signal.removeEventListener('abort', abort));
    if (settled.error) throw settled.error;
    if (settled.status !== 'succeeded') throw executionStateConflict(started.id, settled.status, 'finish as a sub-workflow');
    const usage = (await this.deps.runs.get(actor, started.id)).token_usage;
    return { output: settled.output ?? {}, usage: usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
  }
}
