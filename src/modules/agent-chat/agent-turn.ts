import type { AgentDefinition } from '../../platform/db/schema/index.js';
import type { ModelSelector } from '../../platform/llm/gateway.js';
import type { ChatTurnRequest } from './chat.service.js';

function selectorOf(definition: AgentDefinition): ModelSelector {
  if (definition.model_config_id) return { modelConfigId: definition.model_config_id };
  if (definition.model_config) return { inline: definition.model_config };
  return undefined;
}

/** A turn as the agent's definition says: its prompt, model, memory window and step limit. */
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
    toolNames: definition.include_tools,
    knowledgeBaseIds: definition.knowledge_base_ids,
  };
}
