import { memberKeys } from '../../engine/orchestration/swarm.js';
import type { RegisteredTool } from '../../engine/tools/tool-registry.js';
import type { ToolCallObserver } from '../../engine/tools/tool-set.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { subAgentToolKey } from '../agent-chat/agent-turn.js';
import { delegationTool, unless, type AgentCalls } from '../agent-chat/call-agent.tool.js';
import type { ToolResolver } from '../agent-chat/chat.service.js';
import type { AgentsService } from '../agents/agents.service.js';

const keyPrefix = subAgentToolKey('');

/**
 * The tool resolver of chat turns, with a main agent's sub-agents: a turn names each of them by
 * `agent:<id>` (agentTurn adds those names) and gets one `delegate_to_<name>` tool per sub-agent
 * that is still the caller's; every other name goes to the tools service. The agents and the
 * agent-call path are bound after construction, because chat turns (which need this resolver)
 * are what agent calls run.
 */
export class DelegationToolResolver implements ToolResolver {
  private bound: { agents: AgentsService; calls: AgentCalls } | undefined;

  constructor(private readonly tools: ToolResolver & { recordCall: ToolCallObserver }) {}

  /** Hands over what delegation tools need, once the services exist. */
  bind(deps: { agents: AgentsService; calls: AgentCalls }): void {
    this.bound = deps;
  }

  /** Every tool call is recorded by the tools service, delegations included. */
  get recordCall(): ToolCallObserver {
    return this.tools.recordCall;
  }

  async resolve(actor: Actor, names: readonly string[]): Promise<RegisteredTool[]> {
    const subAgentIds = names.filter((name) => name.startsWith(keyPrefix)).map((name) => name.slice(keyPrefix.length));
    const rest = names.filter((name) => !name.startsWith(keyPrefix));
    const tools = rest.length > 0 ? await this.tools.resolve(actor, rest) : [];
    if (subAgentIds.length === 0 || !this.bound) return tools;
    const { agents, calls } = this.bound;
    // A sub-agent deleted since the promotion simply has no tool any more.
    const found = await Promise.all(subAgentIds.map((id) => agents.get(actor, id).catch(unless('AGENT_NOT_FOUND'))));
    const subAgents = found.filter((agent) => agent !== null);
    const keys = memberKeys(subAgents.map((agent) => agent.name));
    const delegations = subAgents.map((agent, index) =>
      delegationTool(calls, { id: agent.id, name: agent.name, description: agent.description, key: keys[index]! }),
    );
    return [...tools, ...delegations];
  }
}
