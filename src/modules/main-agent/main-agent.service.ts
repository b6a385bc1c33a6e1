import { validationError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { AgentResponse } from '../agents/agents.schemas.js';
import type { AgentsService } from '../agents/agents.service.js';
import { mainAgentLimits } from './main-agent.schemas.js';

/** A main agent's set-up, in plain terms. */
export interface MainAgentInput {
  subAgentIds: string[];
  maxDelegationDepth?: number | undefined;
}

/**
 * Main agents: an agent promoted to a coordinator whose sub-agents become its tools. The set-up is
 * stored on the agent's definition (`coordination`, a new version); from then on every turn of the
 * agent (chat, execute, orchestrations) gets one `delegate_to_<name>` tool per sub-agent, through
 * the same agent-call path as `call_agent`, with its depth limit and loop detection.
 */
export class MainAgentService {
  constructor(private readonly deps: { agents: AgentsService }) {}

  /** Promotes the caller's agent (or changes its sub-agents); 404 for an agent that is not the caller's. */
  async promote(actor: Actor, agentId: string, input: MainAgentInput): Promise<AgentResponse> {
    const { subAgentIds } = input;
    const depth = input.maxDelegationDepth ?? mainAgentLimits.defaultDepth;
    if (subAgentIds.length < 1 || subAgentIds.length > mainAgentLimits.maxSubAgents) {
      throw invalid('sub_agent_ids', `a main agent has 1 to ${mainAgentLimits.maxSubAgents} sub-agents`);
    }
    if (new Set(subAgentIds).size !== subAgentIds.length) throw invalid('sub_agent_ids', 'each sub-agent once');
    const self = subAgentIds.indexOf(agentId);
    if (self !== -1) throw invalid(`sub_agent_ids.${self}`, 'an agent cannot be its own sub-agent');
    if (!Number.isInteger(depth) || depth < mainAgentLimits.minDepth || depth > mainAgentLimits.maxDepth) {
      throw invalid('max_delegation_depth', `max_delegation_depth is ${mainAgentLimits.minDepth} to ${mainAgentLimits.maxDepth}`);
    }
    const { agents } = this.deps;
    await agents.get(actor, agentId);
    // Each sub-agent must be the caller's: another user's answers 404 AGENT_NOT_FOUND with its id.
    for (const id of subAgentIds) await agents.get(actor, id);
    return agents.setCoordination(actor, agentId, { sub_agent_ids: subAgentIds, max_delegation_depth: depth });
  }
}

function invalid(field: string, message: string) {
  return validationError([{ field: `body.${field}`, message }], `Main agent is invalid: ${message}`);
}
