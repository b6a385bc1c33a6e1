import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { ModelSelector } from '../../platform/llm/gateway.js';
import type { ChatTurnRequest } from './chat.service.js';

function selectorOf(definition: AgentDefinition): ModelSelector {
  if (definition.model_config_id) return { modelConfigId: definition.model_config_id };
  if (definition.model_config) return { inline: definition.model_config };
  return undefined;
}

/** The tool key by which a main agent's turn names one of its sub-agents (a `delegate_to_*` tool). */
export function subAgentToolKey(agentId: string): string {
  return `agent:${agentId}`;
}

/** A turn as the agent's definition says: its prompt, model, memory window, step limit and tools (a main agent's sub-agents too). */
export function agentTurn(
  agent: { id: string; definition: AgentDefinition },
  input: { message: string; session_id?: string | undefined },
): ChatTurnRequest {
  const { definition } = agent;
  return {
    message: input.message,
    sessionId: input.session_id,
    agentId: agent.id,
    system: definition.system_prompt || undefined,
    selector: selectorOf(definition),
    history: { maxMessages: definition.memory.history_messages, maxTokens: definition.memory.history_tokens },
    maxSteps: definition.iteration_limit,
    toolNames: [...definition.include_tools, ...(definition.coordination?.sub_agent_ids.map(subAgentToolKey) ?? [])],
    knowledgeBaseIds: definition.knowledge_base_ids,
  };
}
