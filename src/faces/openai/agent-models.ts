import type { AgentDefinition } from '../../platform/db/schema/index.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { AgentsService } from '../../modules/agents/agents.service.js';
import type { ApiKeyGrant } from '../../modules/api-keys/api-keys.service.js';
import { allPages } from '../all-pages.js';
import { modelNotFound } from './openai.errors.js';
import type { ModelObject } from './openai.schemas.js';

const modelIdPattern = /^agent\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The model id of an agent: `agent/<id>`. */
export const modelIdOf = (agentId: string) => `agent/${agentId}`;

/** Agents seen as OpenAI models: every published agent of the key's owner that the key may use. */
export class AgentModels {
  constructor(private readonly agents: AgentsService) {}

  /** The models the key may use, oldest agent first. */
  async list(grant: ApiKeyGrant): Promise<ModelObject[]> {
    const published = await allPages((page) => this.agents.list(grant.actor, { ...page, status: 'published' }));
    const models = published
      .filter((agent) => !grant.agentIds || grant.agentIds.includes(agent.id))
      .map((agent): ModelObject => ({ id: modelIdOf(agent.id), object: 'model', created: unixSeconds(agent.created_at), owned_by: 'tiangong' }));
    return models.sort((left, right) => left.created - right.created || left.id.localeCompare(right.id));
  }

  /** The published agent a model id names, ready to chat; 404 model_not_found for anything else the key may not use. */
  async resolve(grant: ApiKeyGrant, model: string): Promise<{ id: string; definition: AgentDefinition; created: number }> {
    const agentId = modelIdPattern.exec(model)?.[1]?.toLowerCase();
    if (!agentId || (grant.agentIds && !grant.agentIds.includes(agentId))) throw modelNotFound(model);
    try {
      // One read: the agent's answer carries its definition, and a published agent is never stopped.
      const agent = await this.agents.get(grant.actor, agentId);
      if (agent.status !== 'published') throw modelNotFound(model);
      return { id: agentId, definition: agent, created: unixSeconds(agent.created_at) };
    } catch (error) {
      // Another user's agent and a deleted one are the same unknown model to the caller.
      if (error instanceof AppError && error.code === 'AGENT_NOT_FOUND') throw modelNotFound(model);
      throw error;
    }
  }
}
