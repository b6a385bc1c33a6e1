import { planAgentGraph } from '../../engine/orchestration/agent-graph.js';
import { checkPipeline, type PipelineStage } from '../../engine/orchestration/pipeline.js';
import type { WorkflowGraph } from '../../engine/workflow/definition.js';
import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { FieldError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import type { AgentsService } from '../agents/agents.service.js';
import { graphInvalid, graphMissing, ORCHESTRATION_LIMITS, orchestrationInvalid } from './orchestration.errors.js';
import type { Participant } from './orchestration-runner.js';

/** One pipeline stage as a caller gives it. */
export interface StageConfig {
  name: string;
  agentId: string;
  input?: string | undefined;
}

/** An orchestration as plain inputs: the mode and its fields (the message comes separately). */
export type OrchestrationConfig =
  | { mode: 'sequential'; agentIds: string[] }
  | { mode: 'pipeline'; stages: StageConfig[]; output?: string | undefined }
  | { mode: 'debate'; agentIds: string[]; judgeAgentId: string; rounds: number }
  | { mode: 'route'; agentIds: string[]; routerPrompt?: string | undefined; modelConfigId?: string | undefined }
  | { mode: 'graph'; agentId: string | null; workflowConfig?: unknown; input?: Record<string, unknown> | undefined };

/** A checked orchestration with its agents loaded, and its fields as the run stores them (`input`). */
export type PreparedOrchestration = { input: Record<string, unknown> } & (
  | { mode: 'sequential'; agents: Participant[] }
  | { mode: 'pipeline'; stages: Array<PipelineStage<Participant>>; output?: string | undefined }
  | { mode: 'debate'; debaters: Participant[]; judge: Participant; rounds: number }
  | { mode: 'route'; candidates: Participant[]; routerPrompt?: string | undefined; modelConfigId?: string | undefined }
  | { mode: 'graph'; graph: WorkflowGraph; agents: Participant[]; startInput: Record<string, unknown> }
);

/** What preparing needs. */
export interface PrepareDeps {
  agents: AgentsService;
  registry: NodeTypeRegistry;
  gateway: ModelGateway;
}

function limitIssues(ids: readonly string[], field: string, options: { min: number; distinct: boolean }): FieldError[] {
  const issues: FieldError[] = [];
  const { agents } = ORCHESTRATION_LIMITS;
  if (ids.length > agents) issues.push({ field, message: `at most ${agents} agents take part in one orchestration (the executing agent counts)` });
  if (ids.length < options.min) issues.push({ field, message: `give at least ${options.min} agents` });
  if (options.distinct && new Set(ids).size !== ids.length) issues.push({ field, message: 'an agent may appear only once' });
  return issues;
}

function fail(issues: FieldError[]): void {
  if (issues.length > 0) throw orchestrationInvalid(issues);
}

/**
 * Checks an orchestration and loads its agents, before any run starts. Steps: the mode's rules
 * (limits, distinct agents, pipeline templates, the graph as a workflow) give 422 with every
 * failing field; then each agent is looked up once: another user's is 404, and for a run
 * (`forRun`) a stopped one is 409 (a saved template may name it).
 */
export async function prepareOrchestration(deps: PrepareDeps, actor: Actor, config: OrchestrationConfig, options: { forRun: boolean }): Promise<PreparedOrchestration> {
  const cache = new Map<string, Promise<Participant>>();
  const agent = (id: string): Promise<Participant> => {
    let found = cache.get(id);
    if (!found) {
      found = options.forRun ? deps.agents.forChat(actor, id) : deps.agents.get(actor, id).then((view) => ({ id: view.id, definition: view as AgentDefinition }));
      cache.set(id, found);
    }
    return found;
  };
  const all = async (ids: readonly string[]) => {
    // One at a time: the first missing agent answers 404, and nothing is left pending.
    const found: Participant[] = [];
    for (const id of ids) found.push(await agent(id));
    return found;
  };
  switch (config.mode) {
    case 'sequential':
      fail(limitIssues(config.agentIds, 'body.agent_ids', { min: 1, distinct: false }));
      return { mode: 'sequential', agents: await all(config.agentIds), input: { agent_ids: config.agentIds } };
    case 'pipeline': {
      const { stages, output } = config;
      const issues = checkPipeline(stages, output).map((issue) => ({ field: `body.${issue.path}`, message: issue.message }));
      if (stages.length < 1 || stages.length > ORCHESTRATION_LIMITS.stages) issues.push({ field: 'body.stages', message: `give 1 to ${ORCHESTRATION_LIMITS.stages} stages` });
      issues.push(...limitIssues([...new Set(stages.map((stage) => stage.agentId))], 'body.stages', { min: 0, distinct: false }));
      fail(issues);
      const agents = await all(stages.map((stage) => stage.agentId));
      const prepared = stages.map((stage, index) => ({ name: stage.name, agent: agents[index]!, input: stage.input }));
      const input = { stages: stages.map((stage) => ({ name: stage.name, agent_id: stage.agentId, input: stage.input })), output };
      return { mode: 'pipeline', stages: prepared, output, input };
    }
    case 'debate': {
      const issues = limitIssues(config.agentIds, 'body.agent_ids', { min: 2, distinct: true });
      if (!Number.isInteger(config.rounds) || config.rounds < 1 || config.rounds > ORCHESTRATION_LIMITS.rounds) {
        issues.push({ field: 'body.rounds', message: `1 to ${ORCHESTRATION_LIMITS.rounds} rounds` });
      }
      fail(issues);
      const debaters = await all(config.agentIds);
      const judge = await agent(config.judgeAgentId);
      const input = { agent_ids: config.agentIds, judge_agent_id: config.judgeAgentId, rounds: config.rounds };
      return { mode: 'debate', debaters, judge, rounds: config.rounds, input };
    }
    case 'route': {
      fail(limitIssues(config.agentIds, 'body.agent_ids', { min: 2, distinct: true }));
      const candidates = await all(config.agentIds);
      if (config.modelConfigId) await deps.gateway.requireConfig(actor.userId, config.modelConfigId, 'chat');
      const input = { agent_ids: config.agentIds, router_prompt: config.routerPrompt, model_config_id: config.modelConfigId };
      return { mode: 'route', candidates, routerPrompt: config.routerPrompt, modelConfigId: config.modelConfigId, input };
    }
    case 'graph':
      return prepareGraph(deps, config, agent, all);
  }
}

async function prepareGraph(
  deps: PrepareDeps,
  config: Extract<OrchestrationConfig, { mode: 'graph' }>,
  agent: (id: string) => Promise<Participant>,
  all: (ids: readonly string[]) => Promise<Participant[]>,
): Promise<PreparedOrchestration> {
  const self = config.agentId ? await agent(config.agentId) : null;
  const workflowConfig = config.workflowConfig ?? self?.definition.workflow_config ?? null;
  if (!workflowConfig) throw graphMissing(config.agentId);
  const plan = planAgentGraph(workflowConfig, { selfId: self?.id ?? null, registry: deps.registry });
  if (plan.issues.length > 0) throw graphInvalid(plan.issues);
  fail(limitIssues(plan.agentIds, 'body.workflow_config', { min: 0, distinct: false }));
  const agents = await all(plan.agentIds);
  const input = { agent_id: config.agentId, input: config.input, ...(config.workflowConfig ? { workflow_config: config.workflowConfig } : {}) };
  return { mode: 'graph', graph: plan.graph, agents, startInput: config.input ?? {}, input };
}
