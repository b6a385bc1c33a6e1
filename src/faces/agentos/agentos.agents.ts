import type { AgentsService } from '../../modules/agents/agents.service.js';
import type { ModelConfigsService } from '../../modules/model-configs/model-configs.service.js';
import type { AgentDefinition } from '../../platform/db/schema/index.js';
import { isAppError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import { allPages } from '../all-pages.js';
import { notFoundDetail } from './agentos.errors.js';
import type { AgentModel } from './agentos.views.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID: anything else cannot name a stored object, so it is simply not found. */
export const isUuid = (value: string) => uuidPattern.test(value);

/**
 * What `load` finds for `id`, or 404 `detail` in AgentOS' words: an id that is no UUID cannot name
 * a stored object, and the platform's not-found (another user's object included) is the same answer.
 */
export async function findOr404<T>(id: string, detail: string, load: () => Promise<T>): Promise<T> {
  if (!isUuid(id)) throw notFoundDetail(detail);
  try {
    return await load();
  } catch (error) {
    if (isAppError(error) && error.category === 'not_found') throw notFoundDetail(detail);
    throw error;
  }
}

/** The caller's agents as AgentOS sees them: its agents that can chat (stopped ones are left out). */
export class AgentOsAgents {
  constructor(private readonly deps: { agents: AgentsService; modelConfigs: ModelConfigsService }) {}

  /** Every agent of the caller that is not stopped, oldest first as they were registered. */
  async list(actor: Actor) {
    const agents = await allPages((page) => this.deps.agents.list(actor, page));
    return agents.filter((agent) => agent.status !== 'stopped').map((agent) => ({ id: agent.id, definition: agent }));
  }

  /** The caller's agent ready to chat, or 404 `Agent not found` (a stopped one answers 409 from the service). */
  async find(actor: Actor, agentId: string): Promise<{ id: string; definition: AgentDefinition }> {
    return findOr404(agentId, 'Agent not found', () => this.deps.agents.forChat(actor, agentId));
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
