import type { WorkflowGraph } from '../../engine/workflow/definition.js';
import { runWorkflow, type WorkflowEvent, type WorkflowResult } from '../../engine/workflow/executor.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { StepRecord } from '../../engine/workflow/step-record.js';
import type { WorkflowServices } from '../../engine/workflow/workflow-services.js';
import type { Clock } from '../../platform/clock.js';
import type { WorkflowDefinition } from '../../platform/db/schema/index.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { RunContext, RunExecutor, RunOutcome } from '../runs/runs.contract.js';
import { StepWriter } from './step-writer.js';
import { workflowNodeFailed } from './workflow-executions.errors.js';
import type { WorkflowExecutionsRepository } from './workflow-executions.repository.js';
import { workflowServices, type WorkflowPlatform } from './workflow-services.adapter.js';

/** What runs executions in this process. */
export interface ExecutionRunnerDeps {
  repository: WorkflowExecutionsRepository;
  registry: NodeTypeRegistry;
  platform: WorkflowPlatform;
  clock: Clock;
  /** Nodes of one execution that run at once (default 4). */
  concurrency?: number | undefined;
  /** Starts a sub-workflow of `parentRunId` as `actor` and waits for its output. */
  runChild(actor: Actor, parentRunId: string, options: Parameters<WorkflowServices['runWorkflow']>[0]): ReturnType<WorkflowServices['runWorkflow']>;
}

/** One run of an execution: whose, which version, with what input. */
export interface ExecutionRun {
  actor: Actor;
  definition: WorkflowDefinition;
  input: Record<string, unknown>;
  /** The run has never executed (just started, or queued until now): it has no stored steps to read back. */
  fresh?: boolean;
  /** The decision a waiting node gets. */
  resumeData?: { nodeId: string; data: Record<string, unknown> } | undefined;
}

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
 * Turns executions into run executors: the engine over the run's context, its steps stored by a
 * {@link StepWriter}, and a pause controller per run that {@link pause} aborts.
 */
export class ExecutionRunner {
  private readonly pauses = new Map<string, AbortController>();

  constructor(private readonly deps: ExecutionRunnerDeps) {}

  /** Pauses an execution this process runs (no new node starts); false when it runs none by that id. */
  pause(runId: string): boolean {
    const pause = this.pauses.get(runId);
    pause?.abort();
    return pause !== undefined;
  }

  /** The work of one run of an execution. */
  executor(execution: ExecutionRun): RunExecutor {
    const { actor, definition, input, resumeData } = execution;
    const { repository } = this.deps;
    return async (context) => {
      const stored = execution.fresh ? [] : await repository.steps(context.runId);
      const completed = new Map(stored.map((step): [string, StepRecord] => [step.nodeId, step]));
      const pause = new AbortController();
      this.pauses.set(context.runId, pause);
      // Steps go in batches, each with the events before it; the last ones go with the outcome.
      const checkpoint = new StepWriter(completed, { context, save: (steps, events) => repository.saveSteps(context.runId, steps, events) });
      if (completed.size === 0) context.emit('workflow_started', { execution_id: context.runId });
      try {
        const result = await runWorkflow({
          graph: definition.graph as unknown as WorkflowGraph,
          input,
          registry: this.deps.registry,
          services: workflowServices(this.deps.platform, { actor, runId: context.runId, runWorkflow: (options) => this.deps.runChild(actor, context.runId, options) }),
          env: definition.environment,
          checkpoint,
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
        return await this.outcome(context, result, checkpoint);
      } finally {
        checkpoint.stop();
        this.pauses.delete(context.runId);
      }
    };
  }

  /**
   * How the run ends. Succeeded, paused and waiting runs store their last steps (and where they
   * wait) in the run's final statement, with the outcome and the last events; a failed or
   * cancelled one stores them first, then ends by throwing.
   */
  private async outcome(context: RunContext, result: WorkflowResult, checkpoint: StepWriter): Promise<RunOutcome> {
    const usage = result.usage;
    if (result.status === 'cancelled' || result.status === 'failed') {
      await checkpoint.flush();
      throw result.status === 'cancelled' ? context.signal.reason : workflowNodeFailed(result.error!);
    }
    const companion = this.deps.repository.outcomeClauses(context.runId, await checkpoint.drain(), result.waiting);
    switch (result.status) {
      case 'succeeded':
        context.emitFinal('done', { status: 'succeeded', output: result.output, token_usage: usage, execution_id: context.runId });
        return { output: result.output, usage, companion };
      case 'paused':
        context.emitFinal('paused', { execution_id: context.runId });
        return { output: {}, usage, status: 'paused', companion };
      case 'waiting':
        context.emitFinal('waiting', { node_id: result.waiting!.nodeId, request: result.waiting!.request });
        return { output: {}, usage, status: 'waiting_approval', companion };
    }
  }
}
