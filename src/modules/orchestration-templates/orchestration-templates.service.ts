import type { Clock } from '../../platform/clock.js';
import type { OrchestrationTemplateConfig } from '../../platform/db/schema/index.js';
import { validationError } from '../../platform/errors/app-error.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow, type Page } from '../../platform/pagination.js';
import type { OrchestrationConfig, OrchestrationRunOptions, OrchestrationService } from '../orchestration/orchestration.service.js';
import type { StartedRun } from '../runs/runs.service.js';
import { templateNameTaken, templateNotFound } from './orchestration-templates.errors.js';
import type { OrchestrationTemplatesRepository, TemplateFields, TemplateRecord } from './orchestration-templates.repository.js';
import {
  createTemplateSchema,
  type CreateTemplateInput,
  type ListTemplatesQuery,
  type TemplateResponse,
  type UpdateTemplateInput,
} from './orchestration-templates.schemas.js';

/** What the templates service is made of. */
export interface OrchestrationTemplatesServiceDeps {
  repository: OrchestrationTemplatesRepository;
  /** Checks a template's configuration, and runs it. */
  orchestration: OrchestrationService;
  clock: Clock;
  ids: IdGenerator;
}

function toResponse(record: TemplateRecord): TemplateResponse {
  return {
    ...(record.config as Partial<TemplateResponse>),
    id: record.id,
    name: record.name,
    description: record.description,
    mode: record.mode,
    owner_id: record.ownerId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

function fieldsOf(input: CreateTemplateInput): TemplateFields {
  const { name, description, mode, ...config } = input;
  return { name, description, mode, config };
}

/** A template's stored fields as the orchestration service takes them. */
export function orchestrationConfigOf(mode: TemplateRecord['mode'], config: OrchestrationTemplateConfig): OrchestrationConfig {
  const value = config as {
    agent_ids?: string[];
    rounds?: number;
    judge_agent_id?: string;
    router_prompt?: string;
    model_config_id?: string;
    stages?: Array<{ name: string; agent_id: string; input?: string }>;
    output?: string;
    agent_id?: string;
    workflow_config?: unknown;
    input?: Record<string, unknown>;
  };
  const agentIds = value.agent_ids ?? [];
  switch (mode) {
    case 'route':
      return { mode, agentIds, routerPrompt: value.router_prompt, modelConfigId: value.model_config_id };
    case 'sequential':
      return { mode, agentIds };
    case 'pipeline':
      return { mode, stages: (value.stages ?? []).map((stage) => ({ name: stage.name, agentId: stage.agent_id, input: stage.input })), output: value.output };
    case 'debate':
      return { mode, agentIds, judgeAgentId: value.judge_agent_id ?? '', rounds: value.rounds ?? 2 };
    case 'graph':
      return { mode, agentId: value.agent_id ?? null, workflowConfig: value.workflow_config, input: value.input };
  }
}

/**
 * Saved orchestrations of one owner: a mode with its agents and settings, checked when saved as a
 * run would check it (another user's agent is 404) and run again by id.
 */
export class OrchestrationTemplatesService {
  constructor(private readonly deps: OrchestrationTemplatesServiceDeps) {}

  async list(actor: Actor, query: ListTemplatesQuery): Promise<Page<TemplateResponse>> {
    const filter = { search: query.search, mode: query.mode };
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, filter, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<TemplateResponse> {
    return toResponse(await this.require(actor, id));
  }

  async create(actor: Actor, input: CreateTemplateInput): Promise<TemplateResponse> {
    const fields = fieldsOf(input);
    await this.deps.orchestration.check(actor, orchestrationConfigOf(fields.mode, fields.config));
    const record = await this.deps.repository.insert({ id: this.deps.ids.uuid(), ownerId: actor.userId, ...fields, now: this.deps.clock.now() });
    if (!record) throw templateNameTaken(input.name);
    return toResponse(record);
  }

  /**
   * Applies the changes and checks the template as a whole, as create does. A new mode starts from
   * the name and description only (the old mode's fields do not carry over); null removes a field.
   */
  async update(actor: Actor, id: string, input: UpdateTemplateInput): Promise<TemplateResponse> {
    const current = await this.require(actor, id);
    const modeChanges = input.mode !== undefined && input.mode !== current.mode;
    const base = modeChanges ? { name: current.name, description: current.description } : { name: current.name, description: current.description, mode: current.mode, ...current.config };
    const merged = Object.fromEntries(Object.entries({ ...base, ...input }).filter(([, value]) => value !== null));
    const parsed = createTemplateSchema.safeParse(merged);
    if (!parsed.success) {
      throw validationError(parsed.error.issues.map((issue) => ({ field: ['body', ...issue.path].join('.'), message: issue.message })));
    }
    const fields = fieldsOf(parsed.data);
    await this.deps.orchestration.check(actor, orchestrationConfigOf(fields.mode, fields.config));
    const result = await this.deps.repository.update(actor.userId, id, fields, this.deps.clock.now());
    if (result === 'not_found') throw templateNotFound(id);
    if (result === 'name_taken') throw templateNameTaken(fields.name);
    return toResponse(result);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(actor.userId, id))) throw templateNotFound(id);
  }

  /** Starts the template's orchestration on a message (the run's input names the template). */
  async run(actor: Actor, id: string, message: string, options: Omit<OrchestrationRunOptions, 'input'> = {}): Promise<StartedRun> {
    const template = await this.require(actor, id);
    const config = orchestrationConfigOf(template.mode, template.config);
    return this.deps.orchestration.start(actor, config, message, { ...options, input: { template_id: template.id } });
  }

  private async require(actor: Actor, id: string): Promise<TemplateRecord> {
    const record = await this.deps.repository.findOwned(actor.userId, id);
    if (!record) throw templateNotFound(id);
    return record;
  }
}
