import type { NodeTypeRegistry } from '../../engine/workflow/node-type.js';
import type { Clock } from '../../platform/clock.js';
import type { Actor } from '../../platform/http/authenticate.js';
import type { IdGenerator } from '../../platform/ids.js';
import { pageOf, pageWindow, type Page } from '../../platform/pagination.js';
import { nodeTypeCatalogue, type NodeTypeView } from '../workflow-nodes/node-catalogue.js';
import { checkNodeConfig } from '../workflow-nodes/node-config.js';
import { nodeTemplateNameTaken, nodeTemplateNotFound } from './node-templates.errors.js';
import type { NodeTemplateFields, NodeTemplateRecord, NodeTemplatesRepository } from './node-templates.repository.js';
import type {
  CreateNodeTemplateInput,
  ListNodeTemplatesQuery,
  NodeTemplateResponse,
  UpdateNodeTemplateInput,
} from './node-templates.schemas.js';

/** What the node templates service is made of. */
export interface NodeTemplatesServiceDeps {
  repository: NodeTemplatesRepository;
  /** The node types a template's config is checked against. */
  registry: NodeTypeRegistry;
  clock: Clock;
  ids: IdGenerator;
}

function toResponse(record: NodeTemplateRecord): NodeTemplateResponse {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    node_type: record.nodeType,
    config: record.config,
    error_policy: record.errorPolicy,
    category: record.category,
    tags: record.tags,
    owner_id: record.ownerId,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

function fieldsOf(input: CreateNodeTemplateInput): NodeTemplateFields {
  return {
    name: input.name,
    description: input.description,
    nodeType: input.node_type,
    config: input.config,
    errorPolicy: input.error_policy ?? null,
    category: input.category,
    tags: input.tags,
  };
}

/** Saved node configurations of one owner: a node type, its checked config and error policy, labels. */
export class NodeTemplatesService {
  constructor(private readonly deps: NodeTemplatesServiceDeps) {}

  async list(actor: Actor, query: ListNodeTemplatesQuery): Promise<Page<NodeTemplateResponse>> {
    const filter = { search: query.search, nodeType: query.node_type, category: query.category, tag: query.tag };
    return pageOf(query, await this.deps.repository.listByOwner(actor.userId, filter, pageWindow(query)), toResponse);
  }

  async get(actor: Actor, id: string): Promise<NodeTemplateResponse> {
    return toResponse(await this.require(actor, id));
  }

  /** Saves a template once its node type and config pass the checks of workflow validation. */
  async create(actor: Actor, input: CreateNodeTemplateInput): Promise<NodeTemplateResponse> {
    checkNodeConfig(this.deps.registry, { type: input.node_type, config: input.config });
    const record = await this.deps.repository.insert({
      id: this.deps.ids.uuid(),
      ownerId: actor.userId,
      ...fieldsOf(input),
      now: this.deps.clock.now(),
    });
    if (!record) throw nodeTemplateNameTaken(input.name);
    return toResponse(record);
  }

  /** Applies any subset of the fields; a new node type or config is checked again, together. */
  async update(actor: Actor, id: string, input: UpdateNodeTemplateInput): Promise<NodeTemplateResponse> {
    const current = await this.require(actor, id);
    const fields: NodeTemplateFields = {
      name: input.name ?? current.name,
      description: input.description ?? current.description,
      nodeType: input.node_type ?? current.nodeType,
      config: input.config ?? current.config,
      errorPolicy: input.error_policy === undefined ? current.errorPolicy : input.error_policy,
      category: input.category ?? current.category,
      tags: input.tags ?? current.tags,
    };
    if (input.node_type !== undefined || input.config !== undefined) {
      checkNodeConfig(this.deps.registry, { type: fields.nodeType, config: fields.config });
    }
    const result = await this.deps.repository.update(actor.userId, id, fields, this.deps.clock.now());
    if (result === 'not_found') throw nodeTemplateNotFound(id);
    if (result === 'name_taken') throw nodeTemplateNameTaken(fields.name);
    return toResponse(result);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(actor.userId, id))) throw nodeTemplateNotFound(id);
  }

  /** The node types a template (or a workflow node) can have, with their config JSON Schemas. */
  nodeTypes(): { items: NodeTypeView[]; total: number } {
    const items = nodeTypeCatalogue(this.deps.registry);
    return { items, total: items.length };
  }

  private async require(actor: Actor, id: string): Promise<NodeTemplateRecord> {
    const record = await this.deps.repository.findOwned(actor.userId, id);
    if (!record) throw nodeTemplateNotFound(id);
    return record;
  }
}
