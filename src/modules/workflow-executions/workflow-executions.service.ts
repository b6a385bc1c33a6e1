import { runWorkflow, type WorkflowEvent, type WorkflowResult } from '../../engine/workflow/executor.js';
import type { WorkflowGraph } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import { validateWorkflow } from '../../engine/workflow/validate-workflow.js';
import type { Clock } from '../../platform/clock.js';
import type { ExecutionTrigger, WorkflowDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import type { RunContext, RunExecutor, RunOutcome, RunsService } from '../runs/runs.service.js';
import { decisionRequired, executionNotFound, executionStateConflict, workflowDepthExceeded, workflowInputInvalid, workflowInvalid, workflowNodeFailed } from './workflow-executions.errors.js';
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
  /** Nodes of one execution that run at once. */
  concurrency?: number;
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
    deps.runs.registerResumable('workflow', (record) => this.takeOver(record.id));
  }

  /** Checks the workflow and its input, then starts an execution of its current version. */
  async start(actor: Actor, workflowId: string, options: { input: Record<string, unknown>; trigger: ExecutionTrigger; parentRunId?: string | null }) {
    const workflow = await this.deps.workflows.require(actor, workflowId);
    const graph = workflow.definition.graph as unknown as WorkflowGraph;
    const issues = validateWorkflow(graph, { registry: this.deps.registry, envNames: Object.keys(workflow.definition.environment) });
    if (issues.length > 0) throw workflowInvalid(issues);
    const start = graph.nodes.find((node) => node.type === 'start');
    const { problems } = checkStartInput(start?.config, options.input);
    if (problems.length > 0) throw workflowInputInvalid(problems);
    const runId = this.deps.ids.uuid();
    const started = await this.deps.runs.start(
      actor,
      { id: runId, kind: 'workflow', parentRunId: options.parentRunId ?? null, input: { workflow_id: workflow.id, workflow_version: workflow.version, input: options.input } },
      this.executor(actor, workflow.definition, options.input, null),
    );
    await this.deps.repository.insert({
      runId,
      workflowId: workflow.id,
      ownerId: actor.userId,
      workflowVersion: workflow.version,
      trigger: options.trigger,
      input: options.input,
      now: this.deps.clock.now(),
    });
    return started;
  }

  async get(actor: Actor, runId: string): Promise<ExecutionView> {
    const execution = await this.require(actor, runId);
    return toExecutionView(execution, await this.deps.repository.steps(runId));
  }

  /** Stops starting nodes; the running ones finish, then the execution is `paused`. */
  async pause(actor: Actor, runId: string): Promise<ExecutionView> {
    const execution = await this.require(actor, runId);
    const control = this.pauses.get(runId);
    if (!control || execution.run.status !== 'running') throw executionStateConflict(runId, execution.run.status, 'pause');
    control.abort();
    await this.deps.runs.get(actor, runId);
    return this.get(actor, runId);
  }

  /** Continues a paused execution, or a waiting one with the decision its node waits for. */
  async resume(actor: Actor, runId: string, decision?: Record<string, unknown>) {
    const execution = await this.require(actor, runId);
    const { status } = execution.run;
    if (status !== 'paused' && status !== 'waiting_approval') throw executionStateConflict(runId, status, 'resume');
    if (status === 'waiting_approval' && !decision) throw decisionRequired(execution.waitingNodeId ?? '?');
    const definition = await this.definitionOf(execution);
    const resumeData = status === 'waiting_approval' && decision ? { nodeId: execution.waitingNodeId!, data: decision } : null;
    const started = await this.deps.runs.resume(runId, this.executor(actor, definition, execution.input, resumeData), [status]);
    if (!started) throw executionStateConflict(runId, status, 'resume twice');
    await this.deps.repository.setWaiting(runId, null);
    return started;
  }

  async cancel(actor: Actor, runId: string): Promise<ExecutionView> {
    await this.require(actor, runId);
    await this.deps.runs.cancel(actor, runId);
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
  private async takeOver(runId: string): Promise<void> {
    const execution = await this.deps.repository.findAny(runId);
    if (!execution) throw new Error(`run ${runId} has no workflow execution`);
    const actor: Actor = { userId: execution.ownerId, role: 'user' };
    await this.deps.runs.continue(execution.run, this.executor(actor, await this.definitionOf(execution), execution.input, null));
  }

  private executor(
    actor: Actor,
    definition: WorkflowDefinition,
    input: Record<string, unknown>,
    resumeData: { nodeId: string; data: Record<string, unknown> } | null,
  ): RunExecutor {
    return async (context) => {
      const completed = new Map((await this.deps.repository.steps(context.runId)).map((step): [string, StepRecord] => [step.nodeId, step]));
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
            record: async (step) => {
              await context.flush();
              await this.deps.repository.saveStep(context.runId, step);
            },
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
