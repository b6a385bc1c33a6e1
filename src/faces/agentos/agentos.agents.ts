import type { AgentsService } from '../../modules/agents/agents.service.js';
import type { ModelConfigsService } from '../../modules/model-configs/model-configs.service.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { notFoundDetail } from './agentos.errors.js';
import type { AgentModel } from './agentos.views.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID: anything else cannot name a stored object, so it is simply not found. */
export const isUuid = (value: string) => uuidPattern.test(value);

/** The caller's agents as AgentOS sees them: its agents that can chat (stopped ones are left out). */
export class AgentOsAgents {
  constructor(private readonly deps: { agents: AgentsService; modelConfigs: ModelConfigsService }) {}

  /** Every agent of the caller that is not stopped, oldest first as they were registered. */
  async list(actor: Actor) {
    const found: Array<{ id: string; definition: AgentDefinition }> = [];
    for (let page = 1; ; page += 1) {
      const result = await this.deps.agents.list(actor, { page, page_size: 100 });
      for (const agent of result.items) if (agent.status !== 'stopped') found.push({ id: agent.id, definition: agent });
      if (page * 100 >= result.total) return found;
    }
  }

  /** The caller's agent ready to chat, or 404 `Agent not found` (a stopped one answers 409 from the service). */
  async find(actor: Actor, agentId: string): Promise<{ id: string; definition: AgentDefinition }> {
    if (!isUuid(agentId)) throw notFoundDetail('Agent not found');
    try {
      return await this.deps.agents.forChat(actor, agentId);
    } catch (error) {
      if (isAppError(error) && error.category === 'not_found') throw notFoundDetail('Agent not found');
      throw error;
    }
  }

  /** The agent's model as `{id, provider}`; null when it uses the caller's default (or its config is gone). */
  async model(actor: Actor, definition: AgentDefinition): Promise<AgentModel | null> {
    if (definition.model_config) return { id: definition.model_config.model_name, provider: definition.model_config.provider };
    if (!definition.model_config_id) return null;
    try {
      const config = await this.deps.modelConfigs.get(actor, definition.model_config_id);
      return { id: config.model_name, provider: config.provider };
    } catch {
      return null;
    }
  }
}
