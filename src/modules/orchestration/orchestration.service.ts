import type { ModeResult } from '../../engine/orchestration/mode-context.js';
import { runDebate } from '../../engine/orchestration/debate.js';
import { runAgentGraph } from '../../engine/orchestration/graph-mode.js';
import { runPipeline } from '../../engine/orchestration/pipeline.js';
import { runRoute } from '../../engine/orchestration/route.js';
import { runSequential } from '../../engine/orchestration/sequential.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { AgentsService } from '../agents/agents.service.js';
import type { StartedRun } from '../runs/runs.service.js';
import type { WorkflowPlatform } from '../workflow-executions/workflow-services.adapter.js';
import { graphServices, routerModel } from './orchestration-platform.js';
import { prepareOrchestration, type OrchestrationConfig, type PreparedOrchestration } from './orchestration-prepare.js';
import type { OrchestrationContext, OrchestrationRunner, Participant } from './orchestration-runner.js';

export type { OrchestrationConfig, StageConfig } from './orchestration-prepare.js';

/** How an orchestration run is started besides its mode's inputs. */
export interface OrchestrationRunOptions {
  /** The agent the run belongs to (the executing agent of /agents/{id}/execute). */
  agentId?: string | null;
  /** Cancels the run when it aborts (a plain HTTP caller who hung up). */
  signal?: AbortSignal;
  parentRunId?: string | null;
  /** More fields for the run's stored input (the template it came from ...). */
  input?: Record<string, unknown>;
}

/** What the orchestration service is made of. */
export interface OrchestrationServiceDeps {
  agents: AgentsService;
  runner: OrchestrationRunner;
  /** The workflow node types graph mode runs. */
  registry: NodeTypeRegistry;
  /** Model calls (the router, a graph's llm nodes) and the other services of graph nodes. */
  platform: WorkflowPlatform;
  clock: Clock;
}

/**
 * Multi-agent orchestrations as durable runs (kind `orchestration`): one method per mode taking
 * plain inputs and answering the started run. Everything is checked before the run starts
 * (another user's agent is 404, limits and templates 422); the run then streams who is speaking.
 */
export class OrchestrationService {
  constructor(private readonly deps: OrchestrationServiceDeps) {}

  /** The agents in order, each given the previous answer. */
  sequential(actor: Actor, input: { message: string; agentIds: string[] }, options: OrchestrationRunOptions = {}) {
    return this.start(actor, { mode: 'sequential', agentIds: input.agentIds }, input.message, options);
  }

  /** Stages with input templates over the message and earlier outputs; `output` maps the final answer. */
  pipeline(actor: Actor, input: { message: string; stages: Array<{ name: string; agentId: string; input?: string | undefined }>; output?: string | undefined }, options: OrchestrationRunOptions = {}) {
    return this.start(actor, { mode: 'pipeline', stages: input.stages, output: input.output }, input.message, options);
  }

  /** Debaters argue for `rounds` rounds, then the judge gives a verdict with reasons. */
  debate(actor: Actor, input: { message: string; agentIds: string[]; judgeAgentId: string; rounds: number }, options: OrchestrationRunOptions = {}) {
    return this.start(actor, { mode: 'debate', agentIds: input.agentIds, judgeAgentId: input.judgeAgentId, rounds: input.rounds }, input.message, options);
  }

  /** A router model picks the one agent for the message and says why; that agent answers. */
  route(actor: Actor, input: { message: string; agentIds: string[]; routerPrompt?: string | undefined; modelConfigId?: string | undefined }, options: OrchestrationRunOptions = {}) {
    const { agentIds, routerPrompt, modelConfigId } = input;
    return this.start(actor, { mode: 'route', agentIds, routerPrompt, modelConfigId }, input.message, options);
  }

  /** A workflow graph with agents as nodes: the given one, or the executing agent's workflow_config. */
  graph(actor: Actor, input: { message: string; agentId?: string | null; workflowConfig?: unknown; input?: Record<string, unknown> | undefined }, options: OrchestrationRunOptions = {}) {
    return this.start(actor, { mode: 'graph', agentId: input.agentId ?? null, workflowConfig: input.workflowConfig, input: input.input }, input.message, options);
  }

  /** Checks a configuration as a template stores it: agents yours (stopped ones too), rules and graph valid. */
  async check(actor: Actor, config: OrchestrationConfig): Promise<void> {
    await prepareOrchestration(this.prepareDeps(), actor, config, { forRun: false });
  }

  /** Starts any mode (a template's run). */
  async start(actor: Actor, config: OrchestrationConfig, message: string, options: OrchestrationRunOptions = {}): Promise<StartedRun> {
    const prepared = await prepareOrchestration(this.prepareDeps(), actor, config, { forRun: true });
    const agentId = options.agentId ?? (config.mode === 'graph' ? config.agentId : null) ?? null;
    return this.deps.runner.start(
      actor,
      {
        kind: 'orchestration',
        mode: config.mode,
        agentId,
        input: { message, ...prepared.input, ...options.input },
        ...(options.signal ? { signal: options.signal } : {}),
        parentRunId: options.parentRunId ?? null,
      },
      async (context) => {
        const result = await this.body(actor, prepared, message, context);
        // The answer names its final speaker, as the done event does.
        return { speaker: result.speaker, output: { ...result.speaker, ...result.output } };
      },
    );
  }

  private prepareDeps() {
    const { agents, registry, platform } = this.deps;
    return { agents, registry, gateway: platform.gateway };
  }

  /** The mode's work inside the run. */
  private body(actor: Actor, prepared: PreparedOrchestration, message: string, context: OrchestrationContext): Promise<ModeResult> {
    const { platform } = this.deps;
    switch (prepared.mode) {
      case 'sequential':
        return runSequential(context, { agents: prepared.agents, message });
      case 'pipeline':
        return runPipeline(context, { stages: prepared.stages, message, output: prepared.output });
      case 'debate':
        return runDebate(context, { debaters: prepared.debaters, judge: prepared.judge, rounds: prepared.rounds, message });
      case 'route':
        return runRoute(context, {
          candidates: prepared.candidates,
          message,
          routerPrompt: prepared.routerPrompt,
          router: routerModel(platform, { actor, context, modelConfigId: prepared.modelConfigId }),
        });
      case 'graph': {
        const known = new Map(prepared.agents.map((agent) => [agent.id, agent]));
        return runAgentGraph(context, {
          graph: prepared.graph,
          registry: this.deps.registry,
          services: graphServices(platform, { actor, context }),
          agentOf: async (id): Promise<Participant> => known.get(id) ?? this.deps.agents.forChat(actor, id),
          input: { ...prepared.startInput, message },
          now: () => this.deps.clock.now(),
        });
      }
    }
  }
}
