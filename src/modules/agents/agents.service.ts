import { validateGraph } from '../../engine/workflow/graph.js';
import type { Clock } from '../../platform/clock.js';
import type { AgentCoordination, AgentDefinition } from '../../platform/db/schema/index.js';
import type { FieldError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow } from '../../platform/pagination.js';
import type { ModelGateway } from '../../platform/llm/gateway.js';
import { agentNotFound, agentStopped, agentVersionNotFound, invalidAgent, knowledgeBasesNotFound } from './agents.errors.js';
import type { AgentRecord, AgentsRepository, AgentStatus } from './agents.repository.js';
import type {
  AgentExport,
  AgentResponse,
  CreateAgentInput,
  ListAgentsQuery,
  UpdateAgentInput,
} from './agents.schemas.js';

/** What the agents service is made of. */
export interface AgentsServiceDeps {
  repository: AgentsRepository;
  gateway: ModelGateway;
  /** Which of the tools an agent names the caller cannot use. */
  tools: { missing(actor: Actor, names: readonly string[]): Promise<string[]> };
  /** Which of the knowledge bases an agent names the caller cannot read. */
  knowledgeBases: { missing(actor: Actor, ids: readonly string[]): Promise<string[]> };
  clock: Clock;
  ids: IdGenerator;
}

function toResponse(record: AgentRecord): AgentResponse {
  return {
    ...record.definition,
    id: record.id,
    status: record.status,
    version: record.version,
    owner_id: record.ownerId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** Agents: their definitions with version history, their lifecycle, copies, export and import. */
export class AgentsService {
  constructor(private readonly deps: AgentsServiceDeps) {}

  async list(actor: Actor, query: ListAgentsQuery) {
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, query, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<AgentResponse> {
    return toResponse(await this.require(actor, id));
  }

  async create(actor: Actor, input: CreateAgentInput): Promise<AgentResponse> {
    const definition: AgentDefinition = { ...input };
    await this.check(actor, definition);
    return toResponse(await this.insert(actor, definition));
  }

  /** Applies the changes as a new version; the previous ones stay readable. */
  async update(actor: Actor, id: string, input: UpdateAgentInput): Promise<AgentResponse> {
    const current = (await this.require(actor, id)).definition;
    const definition: AgentDefinition = { ...current, ...input, memory: { ...current.memory, ...input.memory } };
    if (input.model_config) definition.model_config_id = null;
    if (input.model_config_id) definition.model_config = null;
    // A stored reference is re-checked only when it changes: a config deleted since must not block other edits.
    await this.check(actor, definition, {
      modelConfig: input.model_config_id !== undefined,
      knowledgeBases: input.knowledge_base_ids !== undefined,
    });
    const updated = await this.deps.repository.updateDefinition({
      ownerId: actor.userId,
      id,
      versionId: this.deps.ids.uuid(),
      definition,
      now: this.deps.clock.now(),
    });
    if (!updated) throw agentNotFound(id);
    return toResponse(updated);
  }

  /** The owner deletes their agent; an administrator may delete anyone's. */
  async delete(actor: Actor, id: string): Promise<void> {
    const agent = actor.role === 'admin' ? await this.deps.repository.findAny(id) : await this.require(actor, id);
    if (!agent || !(await this.deps.repository.delete(id))) throw agentNotFound(id);
  }

  async deploy(actor: Actor, id: string): Promise<AgentResponse> {
    return this.setStatus(actor, id, 'published');
  }

  async stop(actor: Actor, id: string): Promise<AgentResponse> {
    return this.setStatus(actor, id, 'stopped');
  }

  /** A deep copy under a new id, as a draft at version 1. */
  async duplicate(actor: Actor, id: string): Promise<AgentResponse> {
    const source = (await this.require(actor, id)).definition;
    const copy = structuredClone(source);
    copy.name = `${source.name.slice(0, 93)} (copy)`;
    return toResponse(await this.insert(actor, copy));
  }

  /** A self-describing document that `import` accepts (without the model config id, which is account-bound). */
  async export(actor: Actor, id: string): Promise<AgentExport> {
    // Sub-agent ids, like the model config id, name rows of this account only.
    const { model_config_id: _accountBound, coordination: _subAgents, ...agent } = (await this.require(actor, id)).definition;
    return { format: 'tiangong.agent', format_version: 1, exported_at: this.deps.clock.now().toISOString(), agent };
  }

  /** Creates a new agent (fresh id, draft, version 1) from an export document. */
  async import(actor: Actor, document: AgentExport): Promise<AgentResponse> {
    const definition: AgentDefinition = { ...document.agent, model_config_id: null };
    await this.check(actor, definition);
    return toResponse(await this.insert(actor, definition));
  }

  /** Makes the agent a main agent (or changes its sub-agents), as a new version; the caller checks the sub-agents. */
  async setCoordination(actor: Actor, id: string, coordination: AgentCoordination): Promise<AgentResponse> {
    const current = (await this.require(actor, id)).definition;
    const updated = await this.deps.repository.updateDefinition({
      ownerId: actor.userId,
      id,
      versionId: this.deps.ids.uuid(),
      definition: { ...current, coordination },
      now: this.deps.clock.now(),
    });
    if (!updated) throw agentNotFound(id);
    return toResponse(updated);
  }

  /** The caller's agent, ready to chat: 404 when it is not theirs, 409 AGENT_STOPPED when stopped. */
  async forChat(actor: Actor, id: string): Promise<{ id: string; definition: AgentDefinition }> {
    const agent = await this.require(actor, id);
    if (agent.status === 'stopped') throw agentStopped(id);
    return { id: agent.id, definition: agent.definition };
  }

  async listVersions(actor: Actor, id: string) {
    await this.require(actor, id);
    const versions = await this.deps.repository.listVersions(id);
    return versions.map((version) => ({
      version: version.version,
      created_at: version.createdAt.toISOString(),
      definition: version.definition,
    }));
  }

  async getVersion(actor: Actor, id: string, number: number) {
    await this.require(actor, id);
    const version = await this.deps.repository.findVersion(id, number);
    if (!version) throw agentVersionNotFound(id, number);
    return { version: version.version, created_at: version.createdAt.toISOString(), definition: version.definition };
  }

  private async insert(actor: Actor, definition: AgentDefinition): Promise<AgentRecord> {
    return this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      versionId: this.deps.ids.uuid(),
      ownerId: actor.userId,
      definition,
      now: this.deps.clock.now(),
    });
  }

  private async setStatus(actor: Actor, id: string, status: AgentStatus): Promise<AgentResponse> {
    const updated = await this.deps.repository.setStatus(actor.userId, id, status, this.deps.clock.now());
    if (!updated) throw agentNotFound(id);
    return toResponse(updated);
  }

  private async require(actor: Actor, id: string): Promise<AgentRecord> {
    const agent = await this.deps.repository.findOwned(actor.userId, id);
    if (!agent) throw agentNotFound(id);
    return agent;
  }

  /** Rules across fields and other modules: the model config is the caller's, tools exist, the graph holds. */
  private async check(actor: Actor, definition: AgentDefinition, changed = { modelConfig: true, knowledgeBases: true }): Promise<void> {
    if (definition.model_config_id && changed.modelConfig) {
      await this.deps.gateway.requireConfig(actor.userId, definition.model_config_id, 'chat');
    }
    if (changed.knowledgeBases) {
      const missingBases = await this.deps.knowledgeBases.missing(actor, definition.knowledge_base_ids);
      if (missingBases.length > 0) throw knowledgeBasesNotFound(missingBases);
    }
    const fields: FieldError[] = [];
    const missing = new Set(await this.deps.tools.missing(actor, definition.include_tools));
    definition.include_tools.forEach((name, index) => {
      if (missing.has(name)) fields.push({ field: `body.include_tools.${index}`, message: `unknown tool "${name}"` });
    });
    if (definition.workflow_config) {
      for (const issue of validateGraph(definition.workflow_config)) {
        fields.push({ field: `body.workflow_config.${issue.path}`, message: issue.message });
      }
    }
    if (fields.length > 0) throw invalidAgent(fields);
  }
}
