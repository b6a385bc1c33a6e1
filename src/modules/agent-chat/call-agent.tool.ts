import { z } from 'zod';
import { asToolError, defineTool, ToolError, type ToolContext } from '../../engine/tools/tool.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { AgentsService } from '../agents/agents.service.js';
import type { RunsService } from '../runs/runs.service.js';
import { agentTurn } from './agent-turn.js';
import type { ChatRunner } from './chat-runner.js';

/** How deep agents may call agents when no main agent in the chain sets its own limit. */
export const defaultCallDepthLimit = 3;

/** How often one turn may hand the same task to the same agent (a retry is fine; a third time is a loop). */
export const maxRepeatedCalls = 2;

/** What one agent asks another. */
export interface AgentCallRequest {
  agentId: string;
  message: string;
  sessionId?: string | undefined;
}

/** The other agent's answer, as the calling model sees it. */
export interface AgentCallAnswer {
  agent_id: string;
  agent_name: string;
  content: string;
  session_id: string;
  run_id: string;
  depth: number;
}

/** An agent turn above the caller in the call chain, nearest first. */
interface ChainLink {
  agentId: string;
  task: string;
}

/** The same words whatever the case, spacing and punctuation: "Find X." and "find  x" are one task. */
export function normalisedTask(task: string): string {
  return task.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
}

/**
 * The one path by which an agent asks another agent (`call_agent`, a main agent's `delegate_to_*`):
 * the nested turn is a child run of the calling run. Refused, as a tool error the model can act on:
 * calling oneself; going deeper than the limit (each main agent in the chain bounds the levels
 * below it by its `max_delegation_depth`; without one, 3 levels); and loops: a task the target
 * already works on further up the chain, or the same task to the same agent a third time in one turn.
 */
export class AgentCalls {
  /** Calls per (run, target, task), forgotten oldest first: a turn's calls all happen in this process. */
  private readonly repeats = new Map<string, number>();

  constructor(private readonly deps: { agents: AgentsService; runner: ChatRunner; runs: RunsService }) {}

  async call(request: AgentCallRequest, context: ToolContext): Promise<AgentCallAnswer> {
    if (context.agentId === request.agentId) throw new ToolError('an agent cannot call itself', 'AGENT_CALL_SELF');
    const actor: Actor = { userId: context.userId, role: 'user' };
    const chain = await this.chainOf(actor, context);
    // The callee's level: how many agent turns lie above it.
    const depth = chain.length;
    await this.checkDepth(actor, chain);
    this.checkLoop(chain, request, context);
    try {
      const agent = await this.deps.agents.forChat(actor, request.agentId);
      const answer = await this.deps.runner.reply(actor, agentTurn(agent, { message: request.message, session_id: request.sessionId }), {
        signal: context.signal,
        parentRunId: context.runId,
      });
      return { agent_id: agent.id, agent_name: agent.definition.name, content: answer.content, session_id: answer.session_id, run_id: answer.run_id, depth };
    } catch (error) {
      if (isAppError(error)) throw asToolError(error, 'AGENT_CALL_FAILED');
      throw error;
    }
  }

  /** The agent turns from the calling one up to the top (runs of other kinds, a swarm's, are passed through). */
  private async chainOf(actor: Actor, context: ToolContext): Promise<ChainLink[]> {
    const chain: ChainLink[] = [];
    let runId = context.runId;
    // Depth is bounded well below this; the cap only guards against a malformed chain.
    for (let hops = 0; runId && hops < 32; hops += 1) {
      const run = await this.deps.runs.get(actor, runId).catch(unless('RUN_NOT_FOUND'));
      if (!run) break;
      const message = (run.input as { message?: unknown }).message;
      if (run.agent_id && (run.kind === 'chat' || run.kind === 'agent_execute')) {
        chain.push({ agentId: run.agent_id, task: typeof message === 'string' ? message : '' });
      }
      runId = run.parent_run_id;
    }
    // A direct tool use outside a run still has a caller.
    if (chain.length === 0 && context.agentId) chain.push({ agentId: context.agentId, task: '' });
    return chain;
  }

  private async checkDepth(actor: Actor, chain: ChainLink[]): Promise<void> {
    const limits = await Promise.all(chain.map((link) => this.delegationLimitOf(actor, link.agentId)));
    if (limits.every((limit) => limit === null)) {
      if (chain.length > defaultCallDepthLimit) {
        throw new ToolError(`agents may call agents at most ${defaultCallDepthLimit} deep; answer with what you have`, 'AGENT_CALL_DEPTH_LIMIT');
      }
      return;
    }
    limits.forEach((limit, index) => {
      // `index` levels lie between that main agent and the caller: this call would be level index + 1 below it.
      if (limit && index + 1 > limit.max) {
        throw new ToolError(
          `DELEGATION_DEPTH_LIMIT: ${limit.name} lets delegation go at most ${limit.max} level(s) deep; answer with what you have`,
          'DELEGATION_DEPTH_LIMIT',
        );
      }
    });
  }

  /** A main agent's delegation limit; null for any other agent (or one gone meanwhile). */
  private async delegationLimitOf(actor: Actor, agentId: string): Promise<{ name: string; max: number } | null> {
    const agent = await this.deps.agents.get(actor, agentId).catch(unless('AGENT_NOT_FOUND'));
    return agent?.coordination ? { name: agent.name, max: agent.coordination.max_delegation_depth } : null;
  }

  private checkLoop(chain: ChainLink[], request: AgentCallRequest, context: ToolContext): void {
    const task = normalisedTask(request.message);
    const upstream = chain.findIndex((link) => link.agentId === request.agentId && normalisedTask(link.task) === task);
    if (upstream !== -1) {
      throw new ToolError(
        // Link 0 is the caller itself, so the index is how many levels above the caller the target works on it.
        `DELEGATION_LOOP: that agent is already working on this same task ${upstream} level(s) up the chain; ` +
          'delegating it back would go in circles. Answer with what you have.',
        'DELEGATION_LOOP',
      );
    }
    // Repeats are a model going round in circles; a workflow calling an agent in a loop node means it.
    if (!context.runId || !context.agentId) return;
    const key = `${context.runId}|${request.agentId}|${task}`;
    const count = this.repeats.get(key) ?? 0;
    if (count >= maxRepeatedCalls) {
      throw new ToolError(
        `DELEGATION_LOOP: this task already went to that agent ${count} times in this turn; do not repeat it. Answer with what you have.`,
        'DELEGATION_LOOP',
      );
    }
    this.repeats.delete(key);
    this.repeats.set(key, count + 1);
    if (this.repeats.size > 10_000) this.repeats.delete(this.repeats.keys().next().value!);
  }
}

/** A rejection handler answering null for a row that is gone (the error `code`); any other failure stays one. */
export function unless(code: string) {
  return (error: unknown): null => {
    if (isAppError(error) && error.code === code) return null;
    throw error;
  };
}

/** `call_agent`: one agent asks another of the user's agents and gets its answer (see AgentCalls for the limits). */
export function callAgentTool(calls: AgentCalls): RegisteredTool {
  return defineTool({
    name: 'call_agent',
    category: 'platform',
    description:
      "Asks another of the user's agents a question and returns its answer (agent_name, content, session_id). " +
      'Use it to delegate a sub-task to an agent specialised in it. Pass session_id from an earlier answer to ' +
      'continue the same conversation with that agent.',
    inputSchema: z.object({
      agent_id: z.uuid().describe('The id of the agent to ask'),
      message: z.string().min(1).max(32_000).describe('The question or task for that agent'),
      session_id: z.uuid().optional().describe('Continue an earlier conversation with that agent'),
    }),
    execute: (input, context) => calls.call({ agentId: input.agent_id, message: input.message, sessionId: input.session_id }, context),
  });
}

/** `delegate_to_<key>`: a main agent's tool for one of its sub-agents, described by the sub-agent itself. */
export function delegationTool(calls: AgentCalls, subAgent: { id: string; name: string; description: string; key: string }): RegisteredTool {
  const about = subAgent.description ? ` It describes itself as: ${subAgent.description.slice(0, 500)}` : '';
  return defineTool({
    name: `delegate_to_${subAgent.key}`,
    category: 'platform',
    description:
      `Delegates a task to your sub-agent "${subAgent.name}" and returns its answer.${about} ` +
      'Give the whole task with what it needs to know; pass session_id from an earlier answer to continue with it.',
    inputSchema: z.object({
      task: z.string().min(1).max(32_000).describe('The task or question for the sub-agent'),
      session_id: z.uuid().optional().describe('Continue an earlier conversation with that sub-agent'),
    }),
    execute: (input, context) => calls.call({ agentId: subAgent.id, message: input.task, sessionId: input.session_id }, context),
  });
}
